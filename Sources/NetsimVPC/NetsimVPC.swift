/// The VPC fabric evaluators (security groups, network ACLs, route tables, gateways) live here;
/// each returns a verdict naming the deciding rule. See Docs/fidelity.md for what is modelled.
public enum NetsimVPC {}
