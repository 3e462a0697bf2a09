import NetsimModel

// Tests compare the trace's addresses (IPAddress) with the topology's (IPv4Address, often
// optional): equal when both are the same IPv4 address, or both absent.
func == (a: IPAddress?, b: IPv4Address?) -> Bool {
    switch (a, b) {
    case (nil, nil): true
    case (let x?, let y?): x == y
    default: false
    }
}
