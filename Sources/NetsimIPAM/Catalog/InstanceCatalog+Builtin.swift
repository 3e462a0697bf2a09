import NetsimModel

/// Namespace for the generated limits table.
enum InstanceCatalogData {}

extension InstanceCatalog {
    /// The built-in catalog: 1,391 instance types from the VPC CNI v1.23.1 limits table
    /// (`pkg/vpc/vpc_ip_resource_limit.go`), joined with the VPC resource controller's
    /// trunk/branch limits. Parsed once, on first use.
    public static let builtin: InstanceCatalog = {
        switch InstanceCatalog.parse(tsv: InstanceCatalogData.tsv) {
        case .success(let catalog): return catalog
        case .failure: return InstanceCatalog(types: [])   // the generated table is tested to parse
        }
    }()
}
