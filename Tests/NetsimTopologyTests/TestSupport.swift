import Foundation
import NetsimIPAM
import NetsimModel
import NetsimTestSupport
import NetsimTopology

let loader = TopologyLoader(catalog: .builtin)

extension LoadResult {
    var codes: [String] { diagnostics.map(\.code.id) }
    func first(_ code: DiagnosticCode) -> Diagnostic? { diagnostics.first { $0.code == code } }
}

/// A small valid topology used as a base for edits.
let minimalTopology = """
apiVersion: netsim/v1
kind: Topology
name: t
region: us-east-1
vpc:
  cidrBlocks: [10.0.0.0/16]
  subnets:
    - {name: a, zone: us-east-1a, cidr: 10.0.0.0/24}
cluster:
  name: c
  serviceCidr: 172.20.0.0/16
  nodeGroups:
    - {name: g, instanceType: m5.large, count: 2, subnets: [a]}

"""
