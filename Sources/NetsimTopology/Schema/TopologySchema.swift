/// The JSON Schema (draft 2020-12) of netsim topology files. `netsim schema` prints it and
/// `Docs/topology.schema.json` is the same text (a test keeps them equal).
public enum TopologySchema {
    public static let json = #"""
{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object"}

"""#
}
