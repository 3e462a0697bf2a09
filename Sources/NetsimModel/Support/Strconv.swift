/// Go's `strconv`, as far as netsim needs it.
public enum Strconv {
    /// Go's `strconv.ParseBool`: "1", "t", "T", "TRUE", "true", "True" are true; "0", "f", "F",
    /// "FALSE", "false", "False" are false; anything else (" true", "yes", "tRUE") is an error,
    /// here nil. ipamd reads its boolean aws-node settings this way and the AWS Load Balancer
    /// Controller its boolean annotations and attributes; netsim has this one reading for all.
    public static func parseBool(_ s: String) -> Bool? {
        switch s {
        case "1", "t", "T", "TRUE", "true", "True": return true
        case "0", "f", "F", "FALSE", "false", "False": return false
        default: return nil
        }
    }
}
