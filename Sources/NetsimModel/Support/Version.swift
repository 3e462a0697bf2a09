/// netsim's version, printed by `--version` and written into machine formats.
public enum NetsimVersion {
    public static let current = "0.1.0"
    /// The JSON output schema version; renaming or removing a field bumps it.
    public static let jsonSchemaVersion = 1
    /// The version of `trace --format json` (Docs/trace.schema.json): 2 since steps, places and
    /// explanations are typed (`kind`, structured fields, `text`).
    public static let traceSchemaVersion = 2
}
