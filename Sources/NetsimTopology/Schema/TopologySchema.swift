/// The JSON Schema (draft 2020-12) of netsim topology files. `netsim schema` prints it and
/// `Docs/topology.schema.json` is the same text (a test keeps them equal).
public enum TopologySchema {
    public static let json = #"""
{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://raw.githubusercontent.com/netsim/netsim/main/Docs/topology.schema.json",
  "title": "netsim topology",
  "description": "A netsim topology file (apiVersion netsim/v1, kind Topology): an Amazon EKS cluster, its VPC and the networks around it, its Kubernetes manifests, and the flows expected to be delivered or denied. Every netsim mapping refuses unknown keys. Names of each kind of object are unique across the whole topology. See Docs/topology-format.md.",
  "type": "object",
  "additionalProperties": false,
  "required": [
    "apiVersion",
    "kind",
    "name",
    "vpc"
  ],
  "properties": {
    "apiVersion": {
      "description": "Format version. This netsim reads netsim/v1.",
      "type": "string",
      "const": "netsim/v1"
    },
    "kind": {
      "description": "Always Topology. Kubernetes manifests go under kubernetes.manifests.",
      "type": "string",
      "const": "Topology"
    },
    "name": {
      "$ref": "#/$defs/text",
      "description": "Name of the topology, shown in reports."
    },
    "region": {
      "description": "AWS Region of the VPCs, written as AWS does. Availability zones of subnets must be in it.",
      "type": [
        "string",
        "null"
      ],
      "pattern": "^[a-z]+(-[a-z]+)+-[0-9]+$",
      "default": "us-east-1",
      "examples": [
        "us-east-1",
        "eu-west-2"
      ]
    },
    "accountId": {
      "description": "AWS account ID of the resources netsim creates, used in the load balancers' and target groups' ARNs: 12 digits (quote it when it starts with 0).",
      "default": "123456789012",
      "anyOf": [
        {
          "type": "string",
          "pattern": "^[0-9]{12}$"
        },
        {
          "type": "integer",
          "minimum": 100000000000,
          "maximum": 999999999999
        }
      ],
      "examples": [
        "123456789012"
      ]
    },
    "seed": {
      "description": "Seed for generated IDs, addresses and names; the same file and seed give the same result byte for byte. 0 or more.",
      "default": 0,
      "anyOf": [
        {
          "type": "integer",
          "minimum": 0,
          "maximum": 9223372036854775807
        },
        {
          "type": "string",
          "pattern": "^[+-]?[0-9]+$",
          "description": "The same whole number written in quotes; the loader reads it the same way."
        },
        {
          "type": "null"
        }
      ]
    },
    "prefixLists": {
      "description": "Customer-managed prefix lists, shared by all VPCs.",
      "type": [
        "array",
        "null"
      ],
      "items": {
        "$ref": "#/$defs/prefixList"
      }
    },
    "vpc": {
      "$ref": "#/$defs/vpc",
      "description": "The main VPC: the one the cluster runs in."
    },
    "peerVpcs": {
      "description": "Other VPCs, reached through peering connections or transit gateways.",
      "type": [
        "array",
        "null"
      ],
      "items": {
        "$ref": "#/$defs/vpc"
      }
    },
    "peeringConnections": {
      "description": "VPC peering connections.",
      "type": [
        "array",
        "null"
      ],
      "items": {
        "$ref": "#/$defs/peeringConnection"
      }
    },
    "transitGateways": {
      "description": "Transit gateways.",
      "type": [
        "array",
        "null"
      ],
      "items": {
        "$ref": "#/$defs/transitGateway"
      }
    },
    "cluster": {
      "description": "The EKS cluster. Omitted: a VPC-only topology.",
      "anyOf": [
        {
          "$ref": "#/$defs/cluster"
        },
        {
          "type": "null"
        }
      ]
    },
    "externals": {
      "description": "Named hosts and networks outside the cluster.",
      "type": [
        "array",
        "null"
      ],
      "items": {
        "$ref": "#/$defs/external"
      }
    },
    "kubernetes": {
      "description": "Kubernetes manifests of the cluster's workloads.",
      "anyOf": [
        {
          "$ref": "#/$defs/kubernetes"
        },
        {
          "type": "null"
        }
      ]
    },
    "expect": {
      "description": "Intended flows, checked by 'netsim check'.",
      "type": [
        "array",
        "null"
      ],
      "items": {
        "$ref": "#/$defs/expectation"
      }
    }
  },
  "$defs": {
    "boolean": {
      "description": "true or false. The loader also accepts True/False/TRUE/FALSE and those words in quotes.",
      "anyOf": [
        {
          "type": "boolean"
        },
        {
          "type": "string",
          "enum": [
            "true",
            "false",
            "True",
            "False",
            "TRUE",
            "FALSE"
          ]
        }
      ]
    },
    "text": {
      "description": "Free text. Any scalar is accepted and read exactly as written (a number stays as written).",
      "type": [
        "string",
        "number",
        "boolean"
      ]
    },
    "stringMap": {
      "description": "A mapping of text keys to scalar values (tags, labels). Lists or mappings as values are errors.",
      "type": "object",
      "additionalProperties": {
        "type": [
          "string",
          "number",
          "boolean",
          "null"
        ]
      }
    },
    "ipv4Address": {
      "description": "An IPv4 address in dotted-quad form, without leading zeros (AWS refuses 010.0.0.1).",
      "type": "string",
      "pattern": "^(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}$",
      "examples": [
        "10.0.64.10"
      ]
    },
    "ipv4Cidr": {
      "description": "An IPv4 CIDR block, address/prefix-length (/0 to /32), e.g. 10.0.0.0/16.",
      "type": "string",
      "pattern": "^(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}/(0?[0-9]|[12][0-9]|3[0-2])$",
      "examples": [
        "10.0.0.0/16",
        "0.0.0.0/0"
      ]
    },
    "ipv6Cidr": {
      "description": "An IPv6 CIDR block, address/prefix-length (/0 to /128), e.g. 2600:1f18:abcd::/56.",
      "type": "string",
      "pattern": "^[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*/(0{0,2}[0-9]|0?[1-9][0-9]|1[01][0-9]|12[0-8])$",
      "examples": [
        "2600:1f18:abcd::/56",
        "::/0"
      ]
    },
    "vpcCidr": {
      "description": "An IPv4 CIDR block of the size AWS allows for VPCs and subnets: /16 to /28. Host bits must be clear (10.0.0.0/16, not 10.0.0.1/16).",
      "type": "string",
      "pattern": "^(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}/(1[6-9]|2[0-8])$",
      "examples": [
        "10.0.0.0/16",
        "10.0.32.0/19"
      ]
    },
    "ports": {
      "description": "A TCP/UDP destination port (443), an inclusive range written \"A-B\" (8080-8090 or \"8080-8090\"), or all ports (\"all\" or -1). Ports run 0-65535 and a range must not be reversed.",
      "anyOf": [
        {
          "type": "integer",
          "minimum": -1,
          "maximum": 65535
        },
        {
          "type": "string",
          "pattern": "^(all|-1| *(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4}) *(- *(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4}) *)?)$"
        }
      ],
      "examples": [
        443,
        "8080-8090",
        "all"
      ]
    },
    "protocol": {
      "description": "An IP protocol as AWS names it: all (or -1), tcp, udp, icmp, icmpv6 (or icmp6), or a protocol number 0-255. Names are case-insensitive; numbers of named protocols (6, 17, 1, 58) mean the name.",
      "anyOf": [
        {
          "type": "string",
          "enum": [
            "all",
            "tcp",
            "udp",
            "icmp",
            "icmpv6",
            "-1"
          ]
        },
        {
          "type": "string",
          "pattern": "^([Aa][Ll][Ll]|-1|[Tt][Cc][Pp]|[Uu][Dd][Pp]|[Ii][Cc][Mm][Pp]|[Ii][Cc][Mm][Pp][Vv]6|[Ii][Cc][Mm][Pp]6|(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9]))$"
        },
        {
          "type": "integer",
          "minimum": -1,
          "maximum": 255
        }
      ],
      "examples": [
        "tcp",
        "all",
        47
      ]
    },
    "icmpType": {
      "description": "ICMP type to match (0-255), or -1 for any type. Only for protocol icmp or icmpv6.",
      "default": -1,
      "anyOf": [
        {
          "type": "integer",
          "minimum": -1,
          "maximum": 255
        },
        {
          "type": "string",
          "pattern": "^[+-]?[0-9]+$",
          "description": "The same whole number written in quotes; the loader reads it the same way."
        }
      ]
    },
    "icmpCode": {
      "description": "ICMP code to match (0-255), or -1 for any code. A code other than -1 needs an icmpType other than -1, as in the EC2 API.",
      "default": -1,
      "anyOf": [
        {
          "type": "integer",
          "minimum": -1,
          "maximum": 255
        },
        {
          "type": "string",
          "pattern": "^[+-]?[0-9]+$",
          "description": "The same whole number written in quotes; the loader reads it the same way."
        }
      ]
    },
    "icmpRule": {
      "description": "A code other than -1 needs a type other than -1.",
      "if": {
        "required": [
          "icmpCode"
        ],
        "properties": {
          "icmpCode": {
            "not": {
              "enum": [
                -1,
                "-1",
                null
              ]
            }
          }
        }
      },
      "then": {
        "required": [
          "icmpType"
        ],
        "properties": {
          "icmpType": {
            "not": {
              "enum": [
                -1,
                "-1",
                null
              ]
            }
          }
        }
      }
    },
    "prefixList": {
      "description": "A customer-managed prefix list (pl-...): a named set of CIDR blocks that security-group rules and routes can name instead of a CIDR. Shared by every VPC of the topology.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "name"
      ],
      "properties": {
        "name": {
          "description": "Unique name of the prefix list; rules and routes refer to it by this name.",
          "type": "string"
        },
        "id": {
          "description": "The prefix list's AWS ID, 'pl-' and 8 to 17 lower-case hex digits. Generated from the name and the topology's seed when omitted (deterministic: the same file gives the same IDs).",
          "type": [
            "string",
            "null"
          ],
          "pattern": "^pl-[0-9a-f]{8,17}$",
          "examples": [
            "pl-0a1b2c3d4e5f60718"
          ]
        },
        "entries": {
          "description": "The CIDR blocks of the list, IPv4 or IPv6. IPv4 entries with host bits set are accepted with a warning and stored as AWS stores them (10.1.2.3/16 becomes 10.1.0.0/16).",
          "type": [
            "array",
            "null"
          ],
          "items": {
            "description": "One CIDR block.",
            "anyOf": [
              {
                "$ref": "#/$defs/ipv4Cidr"
              },
              {
                "$ref": "#/$defs/ipv6Cidr"
              }
            ]
          }
        },
        "maxEntries": {
          "description": "The list's maximum size (1-1000), which AWS counts against the security-group rule quota. Defaults to the number of entries (at least 1); more entries than this is an error.",
          "anyOf": [
            {
              "type": "integer",
              "minimum": 1,
              "maximum": 1000
            },
            {
              "type": "string",
              "pattern": "^[+-]?[0-9]+$",
              "description": "The same whole number written in quotes; the loader reads it the same way."
            },
            {
              "type": "null"
            }
          ]
        }
      }
    },
    "subnet": {
      "description": "A subnet: an IPv4 range in one availability zone. Its route table is the one named in routeTable, else the VPC's main route table; its network ACL is the one named in networkAcl, else the VPC's default network ACL.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "name",
        "zone",
        "cidr"
      ],
      "properties": {
        "name": {
          "description": "Unique name of the subnet; node groups, NAT gateways, interfaces and ENIConfigs refer to it.",
          "type": "string"
        },
        "id": {
          "description": "The subnet's AWS ID, 'subnet-' and 8 to 17 lower-case hex digits. Generated from the name and the topology's seed when omitted (deterministic: the same file gives the same IDs).",
          "type": [
            "string",
            "null"
          ],
          "pattern": "^subnet-[0-9a-f]{8,17}$",
          "examples": [
            "subnet-0a1b2c3d4e5f60718"
          ]
        },
        "zone": {
          "description": "Availability zone name: the topology's region followed by a zone letter, e.g. us-east-1a. It must start with the region.",
          "type": "string",
          "pattern": "^[a-z]+(-[a-z]+)+-[0-9]+.+$",
          "examples": [
            "us-east-1a"
          ]
        },
        "cidr": {
          "$ref": "#/$defs/vpcCidr",
          "description": "The subnet's IPv4 block (/16 to /28), inside one of the VPC's cidrBlocks and overlapping no other subnet. AWS reserves its first four addresses and the last one."
        },
        "ipv6Cidr": {
          "description": "The subnet's IPv6 block (AWS uses a /64 of the VPC's IPv6 block).",
          "anyOf": [
            {
              "$ref": "#/$defs/ipv6Cidr"
            },
            {
              "type": "null"
            }
          ]
        },
        "routeTable": {
          "description": "Name of the route table explicitly associated with the subnet (in the same VPC). Omitted: the VPC's main route table.",
          "type": [
            "string",
            "null"
          ]
        },
        "networkAcl": {
          "description": "Name of the network ACL associated with the subnet (in the same VPC). Omitted: the VPC's default network ACL.",
          "type": [
            "string",
            "null"
          ]
        },
        "mapPublicIpOnLaunch": {
          "description": "Whether instances launched here get a public IPv4 address (MapPublicIpOnLaunch).",
          "default": false,
          "anyOf": [
            {
              "$ref": "#/$defs/boolean"
            },
            {
              "type": "null"
            }
          ]
        },
        "assignIpv6AddressOnCreation": {
          "description": "Whether network interfaces created here (nodes' primary ENIs) get an IPv6 address from ipv6Cidr (AssignIpv6AddressOnCreation). An IPv6 cluster's nodes get one either way.",
          "default": false,
          "anyOf": [
            {
              "$ref": "#/$defs/boolean"
            },
            {
              "type": "null"
            }
          ]
        },
        "tags": {
          "description": "Tags as AWS shows them: key to value. Values may be any scalar (they are read as text); an empty value is the empty string.",
          "anyOf": [
            {
              "$ref": "#/$defs/stringMap"
            },
            {
              "type": "null"
            }
          ]
        }
      }
    },
    "internetGateway": {
      "description": "An internet gateway attached to the VPC: the target of routes to the internet, and 1:1 NAT between private addresses and their public IPv4 addresses. Write {} for one with the default name.",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "name": {
          "description": "Name, used as a route target. Names are unique per kind across the whole topology, so give each VPC's gateway its own name.",
          "type": [
            "string",
            "null"
          ],
          "default": "igw"
        },
        "id": {
          "description": "The internet gateway's AWS ID, 'igw-' and 8 to 17 lower-case hex digits. Generated from the name and the topology's seed when omitted (deterministic: the same file gives the same IDs).",
          "type": [
            "string",
            "null"
          ],
          "pattern": "^igw-[0-9a-f]{8,17}$",
          "examples": [
            "igw-0a1b2c3d4e5f60718"
          ]
        }
      }
    },
    "egressOnlyInternetGateway": {
      "description": "An egress-only internet gateway: outbound-only, stateful IPv6 access to the internet. Only IPv6 routes may target it.",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "name": {
          "description": "Name, used as a route target. Unique across the whole topology.",
          "type": [
            "string",
            "null"
          ],
          "default": "eigw"
        },
        "id": {
          "description": "The egress-only internet gateway's AWS ID, 'eigw-' and 8 to 17 lower-case hex digits. Generated from the name and the topology's seed when omitted (deterministic: the same file gives the same IDs).",
          "type": [
            "string",
            "null"
          ],
          "pattern": "^eigw-[0-9a-f]{8,17}$",
          "examples": [
            "eigw-0a1b2c3d4e5f60718"
          ]
        }
      }
    },
    "natGateway": {
      "description": "A NAT gateway in one subnet: translates the source address of outbound IPv4 traffic (TCP, UDP and ICMP) to its own address, so private subnets reach the internet or other networks. Routes name it as a target.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "name",
        "subnet"
      ],
      "properties": {
        "name": {
          "description": "Unique name; routes use it as their target.",
          "type": "string"
        },
        "id": {
          "description": "The NAT gateway's AWS ID, 'nat-' and 8 to 17 lower-case hex digits. Generated from the name and the topology's seed when omitted (deterministic: the same file gives the same IDs).",
          "type": [
            "string",
            "null"
          ],
          "pattern": "^nat-[0-9a-f]{8,17}$",
          "examples": [
            "nat-0a1b2c3d4e5f60718"
          ]
        },
        "subnet": {
          "description": "Name of the subnet it lives in (same VPC). A public NAT gateway belongs in a subnet whose route table leads to the internet gateway.",
          "type": "string"
        },
        "connectivity": {
          "description": "public: it has an Elastic IP and reaches the internet through the internet gateway. private: no public address; for other VPCs and on-premises networks.",
          "type": [
            "string",
            "null"
          ],
          "enum": [
            "public",
            "private",
            null
          ],
          "default": "public"
        },
        "privateIp": {
          "description": "Its private address, inside its subnet and not one of the five AWS reserves. Omitted: one is chosen.",
          "anyOf": [
            {
              "$ref": "#/$defs/ipv4Address"
            },
            {
              "type": "null"
            }
          ]
        },
        "publicIp": {
          "description": "Its Elastic IP (public NAT gateways only).",
          "anyOf": [
            {
              "$ref": "#/$defs/ipv4Address"
            },
            {
              "type": "null"
            }
          ]
        }
      },
      "if": {
        "required": [
          "connectivity"
        ],
        "properties": {
          "connectivity": {
            "const": "private"
          }
        }
      },
      "then": {
        "properties": {
          "publicIp": {
            "type": "null"
          }
        }
      }
    },
    "route": {
      "description": "One route: a destination (CIDR block or prefix list) and where matching traffic goes. Local routes for the VPC's own blocks exist in every table without being written. The longest matching prefix wins.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "target"
      ],
      "properties": {
        "destination": {
          "description": "Destination CIDR block, IPv4 or IPv6 (0.0.0.0/0, ::/0, 10.1.0.0/16). Two routes of one table may not have the same destination. A route inside the VPC's range is only accepted for a whole subnet CIDR, to a NAT gateway or network interface.",
          "anyOf": [
            {
              "$ref": "#/$defs/ipv4Cidr"
            },
            {
              "$ref": "#/$defs/ipv6Cidr"
            }
          ]
        },
        "prefixList": {
          "description": "Name of a prefix list used as the destination instead of a CIDR block (gateway endpoint routes use their service's prefix list).",
          "type": "string"
        },
        "target": {
          "description": "Where the traffic goes: local (only for one of the VPC's own CIDR blocks), blackhole (drop), or the name of an internet gateway, egress-only internet gateway (IPv6 only), NAT gateway (IPv4 only), gateway endpoint (only with prefixList), network interface, peering connection (that involves this VPC), transit gateway (attached to this VPC) or virtual private gateway (of this VPC).",
          "type": "string",
          "examples": [
            "igw",
            "nat-a",
            "local",
            "blackhole"
          ]
        }
      },
      "oneOf": [
        {
          "required": [
            "destination"
          ]
        },
        {
          "required": [
            "prefixList"
          ]
        }
      ]
    },
    "routeTable": {
      "description": "A route table. Subnets that name it use it; exactly one table per VPC is main and governs every subnet that names none. When no table is marked main, netsim adds the main table AWS creates with every VPC: local routes only, named 'main' (or VPCNAME-main when 'main' is taken).",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "name"
      ],
      "properties": {
        "name": {
          "description": "Unique name; subnets and gateway endpoints refer to it.",
          "type": "string"
        },
        "id": {
          "description": "The route table's AWS ID, 'rtb-' and 8 to 17 lower-case hex digits. Generated from the name and the topology's seed when omitted (deterministic: the same file gives the same IDs).",
          "type": [
            "string",
            "null"
          ],
          "pattern": "^rtb-[0-9a-f]{8,17}$",
          "examples": [
            "rtb-0a1b2c3d4e5f60718"
          ]
        },
        "main": {
          "description": "Whether this is the VPC's main route table. At most one table per VPC.",
          "default": false,
          "anyOf": [
            {
              "$ref": "#/$defs/boolean"
            },
            {
              "type": "null"
            }
          ]
        },
        "routes": {
          "description": "The routes besides the implicit local ones. An empty list means local routes only.",
          "type": [
            "array",
            "null"
          ],
          "items": {
            "$ref": "#/$defs/route"
          }
        },
        "propagatingVgws": {
          "description": "Virtual private gateways whose routes propagate into the table (describe-route-tables' PropagatingVgws): the advertised prefixes of the externals reached through the VPC's own gateway. A propagated route loses to a static or prefix-list route of the same prefix and never overrides the local route.",
          "type": [
            "array",
            "null"
          ],
          "items": {
            "type": "string",
            "description": "The name of the VPC's virtual private gateway."
          }
        }
      }
    },
    "sgPeer": {
      "description": "The other side of a security-group rule: exactly one of cidr, ipv6Cidr, prefixList or securityGroup. Write one rule per peer.",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "cidr": {
          "$ref": "#/$defs/ipv4Cidr",
          "description": "An IPv4 block. Host bits set are accepted with a warning and cleared, as AWS does."
        },
        "ipv6Cidr": {
          "$ref": "#/$defs/ipv6Cidr",
          "description": "An IPv6 block."
        },
        "prefixList": {
          "description": "Name of a prefix list; the rule covers every entry.",
          "type": "string"
        },
        "securityGroup": {
          "description": "Name of a security group (this group itself, another of the VPC, or one of a peered VPC): the rule matches the private addresses of every network interface that carries that group.",
          "type": "string"
        }
      },
      "oneOf": [
        {
          "required": [
            "cidr"
          ]
        },
        {
          "required": [
            "ipv6Cidr"
          ]
        },
        {
          "required": [
            "prefixList"
          ]
        },
        {
          "required": [
            "securityGroup"
          ]
        }
      ]
    },
    "sgIngressRule": {
      "description": "An inbound (ingress) rule. Security groups are stateful and allow-only: traffic passes if any rule of any group on the interface matches, and replies to allowed traffic are always allowed.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "protocol",
        "from"
      ],
      "properties": {
        "protocol": {
          "$ref": "#/$defs/protocol",
          "description": "IP protocol the rule allows. all (-1) and protocols other than tcp and udp cover every port."
        },
        "ports": {
          "description": "Destination port or range, for tcp and udp (ignored with a warning for other protocols).",
          "default": "all",
          "anyOf": [
            {
              "$ref": "#/$defs/ports"
            },
            {
              "type": "null"
            }
          ]
        },
        "icmpType": {
          "description": "For icmp and icmpv6: the ICMP type allowed, -1 for any.",
          "anyOf": [
            {
              "$ref": "#/$defs/icmpType"
            },
            {
              "type": "null"
            }
          ]
        },
        "icmpCode": {
          "description": "For icmp and icmpv6: the ICMP code allowed, -1 for any.",
          "anyOf": [
            {
              "$ref": "#/$defs/icmpCode"
            },
            {
              "type": "null"
            }
          ]
        },
        "from": {
          "$ref": "#/$defs/sgPeer",
          "description": "Where allowed traffic comes from."
        },
        "description": {
          "description": "Free text, as the rule's description in AWS.",
          "anyOf": [
            {
              "$ref": "#/$defs/text"
            },
            {
              "type": "null"
            }
          ]
        }
      },
      "allOf": [
        {
          "$ref": "#/$defs/icmpRule"
        }
      ]
    },
    "sgEgressRule": {
      "description": "An outbound (egress) rule. Security groups are stateful and allow-only: traffic passes if any rule of any group on the interface matches, and replies to allowed traffic are always allowed.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "protocol",
        "to"
      ],
      "properties": {
        "protocol": {
          "$ref": "#/$defs/protocol",
          "description": "IP protocol the rule allows. all (-1) and protocols other than tcp and udp cover every port."
        },
        "ports": {
          "description": "Destination port or range, for tcp and udp (ignored with a warning for other protocols).",
          "default": "all",
          "anyOf": [
            {
              "$ref": "#/$defs/ports"
            },
            {
              "type": "null"
            }
          ]
        },
        "icmpType": {
          "description": "For icmp and icmpv6: the ICMP type allowed, -1 for any.",
          "anyOf": [
            {
              "$ref": "#/$defs/icmpType"
            },
            {
              "type": "null"
            }
          ]
        },
        "icmpCode": {
          "description": "For icmp and icmpv6: the ICMP code allowed, -1 for any.",
          "anyOf": [
            {
              "$ref": "#/$defs/icmpCode"
            },
            {
              "type": "null"
            }
          ]
        },
        "to": {
          "$ref": "#/$defs/sgPeer",
          "description": "Where allowed traffic may go."
        },
        "description": {
          "description": "Free text, as the rule's description in AWS.",
          "anyOf": [
            {
              "$ref": "#/$defs/text"
            },
            {
              "type": "null"
            }
          ]
        }
      },
      "allOf": [
        {
          "$ref": "#/$defs/icmpRule"
        }
      ]
    },
    "securityGroup": {
      "description": "A security group: a stateful, allow-only firewall on network interfaces. Unless a group named 'default' is written, netsim adds the VPC's default group (all traffic in from members of the group itself, all out).",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "name"
      ],
      "properties": {
        "name": {
          "description": "Unique name; rules, node groups, interfaces, ENIConfigs and externals refer to it.",
          "type": "string"
        },
        "id": {
          "description": "The security group's AWS ID, 'sg-' and 8 to 17 lower-case hex digits. Generated from the name and the topology's seed when omitted (deterministic: the same file gives the same IDs).",
          "type": [
            "string",
            "null"
          ],
          "pattern": "^sg-[0-9a-f]{8,17}$",
          "examples": [
            "sg-0a1b2c3d4e5f60718"
          ]
        },
        "description": {
          "description": "The group's description.",
          "default": "",
          "anyOf": [
            {
              "$ref": "#/$defs/text"
            },
            {
              "type": "null"
            }
          ]
        },
        "ingress": {
          "description": "Inbound rules. Omitted or empty: nothing may come in (except replies).",
          "type": [
            "array",
            "null"
          ],
          "items": {
            "$ref": "#/$defs/sgIngressRule"
          }
        },
        "egress": {
          "description": "Outbound rules. Omitted: the one rule AWS gives every new group, all traffic to 0.0.0.0/0 (plus ::/0 when the VPC has an IPv6 block). Written as [] (or left empty): no outbound traffic at all.",
          "type": "array",
          "items": {
            "$ref": "#/$defs/sgEgressRule"
          },
          "default": [
            {
              "protocol": "all",
              "to": {
                "cidr": "0.0.0.0/0"
              }
            }
          ]
        },
        "tags": {
          "description": "Tags as AWS shows them: key to value. Values may be any scalar (they are read as text); an empty value is the empty string.",
          "anyOf": [
            {
              "$ref": "#/$defs/stringMap"
            },
            {
              "type": "null"
            }
          ]
        }
      }
    },
    "naclRule": {
      "description": "A numbered network ACL rule. Rules are evaluated lowest number first and the first match decides; traffic that matches none is denied (the '*' rule).",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "rule",
        "protocol",
        "action"
      ],
      "properties": {
        "rule": {
          "description": "Rule number, 1-32766, unique within its direction. Lower numbers are evaluated first.",
          "anyOf": [
            {
              "type": "integer",
              "minimum": 1,
              "maximum": 32766
            },
            {
              "type": "string",
              "pattern": "^[+-]?[0-9]+$",
              "description": "The same whole number written in quotes; the loader reads it the same way."
            }
          ]
        },
        "protocol": {
          "$ref": "#/$defs/protocol",
          "description": "IP protocol the rule matches."
        },
        "action": {
          "description": "What a match does.",
          "type": "string",
          "enum": [
            "allow",
            "deny"
          ]
        },
        "cidr": {
          "$ref": "#/$defs/ipv4Cidr",
          "description": "IPv4 block: the source for inbound rules, the destination for outbound ones. Host bits set are accepted with a warning and cleared."
        },
        "ipv6Cidr": {
          "$ref": "#/$defs/ipv6Cidr",
          "description": "IPv6 block, instead of cidr (if both are given, ipv6Cidr is used)."
        },
        "ports": {
          "description": "Destination port or range, for tcp and udp. Network ACLs are stateless: allow the return traffic's ephemeral ports (1024-65535) in the other direction.",
          "default": "all",
          "anyOf": [
            {
              "$ref": "#/$defs/ports"
            },
            {
              "type": "null"
            }
          ]
        },
        "icmpType": {
          "description": "For icmp and icmpv6: the ICMP type matched, -1 for any.",
          "anyOf": [
            {
              "$ref": "#/$defs/icmpType"
            },
            {
              "type": "null"
            }
          ]
        },
        "icmpCode": {
          "description": "For icmp and icmpv6: the ICMP code matched, -1 for any.",
          "anyOf": [
            {
              "$ref": "#/$defs/icmpCode"
            },
            {
              "type": "null"
            }
          ]
        }
      },
      "anyOf": [
        {
          "required": [
            "cidr"
          ]
        },
        {
          "required": [
            "ipv6Cidr"
          ]
        }
      ],
      "allOf": [
        {
          "$ref": "#/$defs/icmpRule"
        }
      ]
    },
    "networkAcl": {
      "description": "A network ACL: a stateless, numbered allow/deny list checked when traffic enters or leaves a subnet. A new custom ACL denies everything until rules are added. Unless one is marked default, netsim adds the VPC's default ACL, which allows all traffic both ways (rule 100, plus 101 for IPv6), named 'default' (or VPCNAME-default when 'default' is taken).",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "name"
      ],
      "properties": {
        "name": {
          "description": "Unique name; subnets refer to it in networkAcl.",
          "type": "string"
        },
        "id": {
          "description": "The network ACL's AWS ID, 'acl-' and 8 to 17 lower-case hex digits. Generated from the name and the topology's seed when omitted (deterministic: the same file gives the same IDs).",
          "type": [
            "string",
            "null"
          ],
          "pattern": "^acl-[0-9a-f]{8,17}$",
          "examples": [
            "acl-0a1b2c3d4e5f60718"
          ]
        },
        "default": {
          "description": "Whether this is the VPC's default network ACL, used by every subnet that names none. At most one per VPC.",
          "default": false,
          "anyOf": [
            {
              "$ref": "#/$defs/boolean"
            },
            {
              "type": "null"
            }
          ]
        },
        "inbound": {
          "description": "Inbound rules (traffic entering the subnet).",
          "type": [
            "array",
            "null"
          ],
          "items": {
            "$ref": "#/$defs/naclRule"
          }
        },
        "outbound": {
          "description": "Outbound rules (traffic leaving the subnet).",
          "type": [
            "array",
            "null"
          ],
          "items": {
            "$ref": "#/$defs/naclRule"
          }
        }
      }
    },
    "gatewayEndpoint": {
      "description": "A gateway VPC endpoint for Amazon S3 or DynamoDB. Traffic reaches it through a route whose destination is the service's prefix list and whose target is the endpoint.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "name",
        "service",
        "prefixList"
      ],
      "properties": {
        "name": {
          "description": "Unique name; routes use it as their target.",
          "type": "string"
        },
        "id": {
          "description": "The gateway endpoint's AWS ID, 'vpce-' and 8 to 17 lower-case hex digits. Generated from the name and the topology's seed when omitted (deterministic: the same file gives the same IDs).",
          "type": [
            "string",
            "null"
          ],
          "pattern": "^vpce-[0-9a-f]{8,17}$",
          "examples": [
            "vpce-0a1b2c3d4e5f60718"
          ]
        },
        "service": {
          "description": "The AWS service it serves.",
          "type": "string",
          "enum": [
            "s3",
            "dynamodb"
          ]
        },
        "prefixList": {
          "description": "Name of the prefix list that holds the service's address ranges (com.amazonaws.REGION.s3 in AWS).",
          "type": "string"
        },
        "routeTables": {
          "description": "Names of the route tables (same VPC) associated with the endpoint.",
          "type": [
            "array",
            "null"
          ],
          "items": {
            "type": "string",
            "description": "The name of a route table."
          }
        }
      }
    },
    "interfaceEndpoint": {
      "description": "An interface VPC endpoint to an AWS service: one requester-managed ENI in each subnet (one subnet per zone), its address from the subnet, judged by the endpoint's security groups. With private DNS, the service's regional name resolves to these ENIs inside the VPC (`--to aws:SERVICE`).",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "name",
        "service",
        "subnets"
      ],
      "properties": {
        "name": {
          "description": "Unique name.",
          "type": "string"
        },
        "id": {
          "description": "The endpoint's AWS ID, 'vpce-' and 8 to 17 lower-case hex digits. Generated from the name and the topology's seed when omitted.",
          "type": [
            "string",
            "null"
          ],
          "pattern": "^vpce-[0-9a-f]{8,17}$",
          "examples": [
            "vpce-0a1b2c3d4e5f60718"
          ]
        },
        "service": {
          "description": "The AWS service: its short name (sts, ecr.api, ecr.dkr, logs, …) or the full endpoint service name com.amazonaws.REGION.SERVICE of the topology's region.",
          "type": "string",
          "examples": [
            "sts",
            "ecr.api",
            "ecr.dkr",
            "logs",
            "com.amazonaws.eu-central-1.sts"
          ]
        },
        "subnets": {
          "description": "Subnets of this VPC, at most one per Availability Zone; each gets one of the endpoint's ENIs.",
          "type": "array",
          "items": {
            "type": "string",
            "description": "The name of a subnet."
          }
        },
        "securityGroups": {
          "description": "Security groups of the endpoint's ENIs (same VPC). Default: the VPC's default group, as AWS.",
          "type": [
            "array",
            "null"
          ],
          "items": {
            "type": "string",
            "description": "The name of a security group."
          }
        },
        "privateDns": {
          "description": "Whether the VPC gets the private hosted zone for the service's regional DNS name. Default true (the EC2 API's default for AWS services); needs enableDnsSupport and enableDnsHostnames on the VPC.",
          "type": [
            "boolean",
            "null"
          ]
        },
        "policy": {
          "description": "The endpoint policy (IAM): kept as written and not evaluated; netsim judges reachability only."
        }
      }
    },
    "networkInterface": {
      "description": "A network interface (ENI) declared by hand, for an appliance or middlebox that routes can target. Interfaces the VPC CNI creates for nodes and pods are not written here.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "name",
        "subnet"
      ],
      "properties": {
        "name": {
          "description": "Unique name; routes use it as their target.",
          "type": "string"
        },
        "id": {
          "description": "The network interface's AWS ID, 'eni-' and 8 to 17 lower-case hex digits. Generated from the name and the topology's seed when omitted (deterministic: the same file gives the same IDs).",
          "type": [
            "string",
            "null"
          ],
          "pattern": "^eni-[0-9a-f]{8,17}$",
          "examples": [
            "eni-0a1b2c3d4e5f60718"
          ]
        },
        "subnet": {
          "description": "Name of its subnet (same VPC).",
          "type": "string"
        },
        "privateIp": {
          "description": "Its primary private address, inside the subnet and not one of the five AWS reserves. Omitted: one is chosen.",
          "anyOf": [
            {
              "$ref": "#/$defs/ipv4Address"
            },
            {
              "type": "null"
            }
          ]
        },
        "publicIp": {
          "description": "A public IPv4 address (Elastic IP) associated with it.",
          "anyOf": [
            {
              "$ref": "#/$defs/ipv4Address"
            },
            {
              "type": "null"
            }
          ]
        },
        "securityGroups": {
          "description": "Names of its security groups (same VPC).",
          "type": [
            "array",
            "null"
          ],
          "items": {
            "type": "string",
            "description": "The name of a security group."
          }
        },
        "sourceDestCheck": {
          "description": "Source/destination check: when on, the interface drops traffic not addressed to or from its own addresses. Turn it off for NAT instances and appliances.",
          "default": true,
          "anyOf": [
            {
              "$ref": "#/$defs/boolean"
            },
            {
              "type": "null"
            }
          ]
        },
        "ipv6Address": {
          "description": "The interface's IPv6 address, inside its subnet's ipv6Cidr.",
          "type": [
            "string",
            "null"
          ]
        },
        "stateful": {
          "description": "A stateful appliance (a firewall): it forwards a flow's replies only when it forwarded the flow's first packet, and drops the others (the asymmetric drop behind a transit gateway without appliance mode). Needs sourceDestCheck: false.",
          "default": false,
          "anyOf": [
            {
              "$ref": "#/$defs/boolean"
            },
            {
              "type": "null"
            }
          ]
        }
      }
    },
    "vpnGateway": {
      "description": "A virtual private gateway attached to the VPC (`vgw-…`): the VPC side of Site-to-Site VPN and Direct Connect (private virtual interface) connections. Externals name it in `via:`; routes may target it; route tables list it in `propagatingVgws` to receive the routes the networks behind it advertise. One per VPC. Write {} for one with the default name (VPCNAME-vgw).",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "name": {
          "description": "Name, used in via:, as a route target and in propagatingVgws. Unique across the topology.",
          "type": [
            "string",
            "null"
          ]
        },
        "id": {
          "description": "The virtual private gateway's AWS ID, 'vgw-' and 8 to 17 lower-case hex digits. Generated from the name and the topology's seed when omitted.",
          "type": [
            "string",
            "null"
          ],
          "pattern": "^vgw-[0-9a-f]{8,17}$",
          "examples": [
            "vgw-0a1b2c3d4e5f60718"
          ]
        },
        "amazonSideAsn": {
          "description": "The Amazon side's BGP ASN (AWS default 64512): a private ASN, 64512-65534 or 4200000000-4294967294 (CreateVpnGateway); recorded, not used in routing.",
          "anyOf": [
            {
              "type": "integer",
              "minimum": 64512,
              "maximum": 65534
            },
            {
              "type": "integer",
              "minimum": 4200000000,
              "maximum": 4294967294
            },
            {
              "type": "null"
            }
          ],
          "default": 64512
        }
      }
    },
    "vpc": {
      "description": "A VPC and everything in it.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "cidrBlocks"
      ],
      "properties": {
        "name": {
          "description": "Name of the VPC; peering connections, transit gateways and external routes refer to it. Defaults to 'vpc' for the main VPC and to 'peerVpcs[N]' for peer VPCs.",
          "type": [
            "string",
            "null"
          ]
        },
        "id": {
          "description": "The VPC's AWS ID, 'vpc-' and 8 to 17 lower-case hex digits. Generated from the name and the topology's seed when omitted (deterministic: the same file gives the same IDs).",
          "type": [
            "string",
            "null"
          ],
          "pattern": "^vpc-[0-9a-f]{8,17}$",
          "examples": [
            "vpc-0a1b2c3d4e5f60718"
          ]
        },
        "cidrBlocks": {
          "description": "The VPC's IPv4 blocks (/16 to /28 each): the primary block and any secondary ones, e.g. a 100.64.0.0/16 block for custom networking. No two blocks of any VPCs in the topology may overlap.",
          "type": "array",
          "items": {
            "$ref": "#/$defs/vpcCidr",
            "description": "One IPv4 CIDR block of the VPC."
          }
        },
        "ipv6CidrBlocks": {
          "description": "The VPC's IPv6 blocks. With one, the default security group and default network ACL also allow ::/0, as in AWS.",
          "type": [
            "array",
            "null"
          ],
          "items": {
            "$ref": "#/$defs/ipv6Cidr",
            "description": "One IPv6 CIDR block."
          }
        },
        "tags": {
          "description": "Tags as AWS shows them: key to value. Values may be any scalar (they are read as text); an empty value is the empty string.",
          "anyOf": [
            {
              "$ref": "#/$defs/stringMap"
            },
            {
              "type": "null"
            }
          ]
        },
        "subnets": {
          "description": "The VPC's subnets.",
          "type": [
            "array",
            "null"
          ],
          "items": {
            "$ref": "#/$defs/subnet"
          }
        },
        "internetGateway": {
          "description": "The VPC's internet gateway, if it has one.",
          "anyOf": [
            {
              "$ref": "#/$defs/internetGateway"
            },
            {
              "type": "null"
            }
          ]
        },
        "egressOnlyInternetGateway": {
          "description": "The VPC's egress-only internet gateway (IPv6), if it has one.",
          "anyOf": [
            {
              "$ref": "#/$defs/egressOnlyInternetGateway"
            },
            {
              "type": "null"
            }
          ]
        },
        "natGateways": {
          "description": "NAT gateways.",
          "type": [
            "array",
            "null"
          ],
          "items": {
            "$ref": "#/$defs/natGateway"
          }
        },
        "routeTables": {
          "description": "Route tables. The main one is added when none is marked main.",
          "type": [
            "array",
            "null"
          ],
          "items": {
            "$ref": "#/$defs/routeTable"
          }
        },
        "securityGroups": {
          "description": "Security groups. The default one is added when no group is named 'default'.",
          "type": [
            "array",
            "null"
          ],
          "items": {
            "$ref": "#/$defs/securityGroup"
          }
        },
        "networkAcls": {
          "description": "Network ACLs. The default one (allow all) is added when none is marked default.",
          "type": [
            "array",
            "null"
          ],
          "items": {
            "$ref": "#/$defs/networkAcl"
          }
        },
        "gatewayEndpoints": {
          "description": "Gateway VPC endpoints (S3, DynamoDB).",
          "type": [
            "array",
            "null"
          ],
          "items": {
            "$ref": "#/$defs/gatewayEndpoint"
          }
        },
        "networkInterfaces": {
          "description": "Network interfaces of appliances and middleboxes.",
          "type": [
            "array",
            "null"
          ],
          "items": {
            "$ref": "#/$defs/networkInterface"
          }
        },
        "vpnGateway": {
          "$ref": "#/$defs/vpnGateway"
        },
        "virtualPrivateGateway": {
          "$ref": "#/$defs/vpnGateway",
          "description": "Another name for vpnGateway; write one of the two."
        },
        "enableDnsSupport": {
          "description": "The VPC attribute enableDnsSupport: the Amazon-provided DNS server answers in the VPC. Default true (AWS's default for a VPC you create).",
          "type": [
            "boolean",
            "null"
          ]
        },
        "enableDnsHostnames": {
          "description": "The VPC attribute enableDnsHostnames. Default false (AWS's default for a VPC you create, not the default VPC). Private DNS on an interface endpoint needs it and enableDnsSupport.",
          "type": [
            "boolean",
            "null"
          ]
        },
        "interfaceEndpoints": {
          "description": "Interface VPC endpoints (AWS PrivateLink) to AWS services: an ENI per subnet, with security groups and optional private DNS.",
          "type": [
            "array",
            "null"
          ],
          "items": {
            "$ref": "#/$defs/interfaceEndpoint"
          }
        }
      },
      "not": {
        "required": [
          "vpnGateway",
          "virtualPrivateGateway"
        ]
      }
    },
    "peeringConnection": {
      "description": "A VPC peering connection between two VPCs of the topology. Each side still needs routes that target it, and peering is not transitive.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "name",
        "requesterVpc",
        "accepterVpc"
      ],
      "properties": {
        "name": {
          "description": "Unique name; routes and externals' via use it.",
          "type": "string"
        },
        "id": {
          "description": "The peering connection's AWS ID, 'pcx-' and 8 to 17 lower-case hex digits. Generated from the name and the topology's seed when omitted (deterministic: the same file gives the same IDs).",
          "type": [
            "string",
            "null"
          ],
          "pattern": "^pcx-[0-9a-f]{8,17}$",
          "examples": [
            "pcx-0a1b2c3d4e5f60718"
          ]
        },
        "requesterVpc": {
          "description": "Name of the requester VPC.",
          "type": "string"
        },
        "accepterVpc": {
          "description": "Name of the accepter VPC (a different VPC).",
          "type": "string"
        }
      }
    },
    "transitGatewayRoute": {
      "description": "A static route of the transit gateway's route table: to an attached VPC, to an external network, or a blackhole.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "destination"
      ],
      "properties": {
        "destination": {
          "$ref": "#/$defs/ipv4Cidr",
          "description": "Destination IPv4 block (host bits must be clear)."
        },
        "vpc": {
          "description": "Name of the VPC the traffic is sent to.",
          "type": "string"
        },
        "external": {
          "description": "Name of an external network the traffic leaves to (a VPN or Direct Connect attachment, in AWS terms).",
          "type": "string"
        },
        "blackhole": {
          "description": "true: drop matching traffic.",
          "anyOf": [
            {
              "$ref": "#/$defs/boolean"
            },
            {
              "type": "null"
            }
          ]
        }
      },
      "anyOf": [
        {
          "required": [
            "vpc"
          ]
        },
        {
          "required": [
            "external"
          ]
        },
        {
          "required": [
            "blackhole"
          ],
          "properties": {
            "blackhole": {
              "enum": [
                true,
                "true",
                "True",
                "TRUE"
              ]
            }
          }
        }
      ]
    },
    "transitGateway": {
      "description": "A transit gateway: a regional router between attached VPCs and external networks. VPC route tables send traffic to it by naming it as a route target. Two forms: vpcAttachments + routes (one route table), or attachments + routeTables (several route tables with associations and propagations, as AWS builds it).",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "name"
      ],
      "properties": {
        "name": {
          "description": "Unique name; routes and externals' via use it.",
          "type": "string"
        },
        "id": {
          "description": "The transit gateway's AWS ID, 'tgw-' and 8 to 17 lower-case hex digits. Generated from the name and the topology's seed when omitted (deterministic: the same file gives the same IDs).",
          "type": [
            "string",
            "null"
          ],
          "pattern": "^tgw-[0-9a-f]{8,17}$",
          "examples": [
            "tgw-0a1b2c3d4e5f60718"
          ]
        },
        "vpcAttachments": {
          "description": "The VPCs attached to it: a VPC name, or a mapping with the VPC and the attachment's subnets. A route table may only target it from an attached VPC. The single-table form: with routes, it is one route table ('default') associated with every attachment, routes as written, nothing propagated. Not with attachments/routeTables.",
          "type": [
            "array",
            "null"
          ],
          "items": {
            "anyOf": [
              {
                "type": "string",
                "description": "The name of a VPC; the attachment takes the default subnets (in each zone, the smallest subnet, ties to the lowest address)."
              },
              {
                "type": "object",
                "description": "A VPC attachment with its subnets.",
                "additionalProperties": false,
                "required": [
                  "vpc"
                ],
                "properties": {
                  "vpc": {
                    "type": "string",
                    "description": "The name of the attached VPC."
                  },
                  "subnets": {
                    "description": "One subnet of that VPC per zone the attachment serves (AWS places the transit gateway's network interface there). Traffic from the transit gateway into the VPC is routed by the route table of the subnet in the zone it enters; resources in a zone with none cannot reach the transit gateway. Omitted: in each zone, the smallest subnet.",
                    "type": [
                      "array",
                      "null"
                    ],
                    "items": {
                      "type": "string",
                      "description": "The name of a subnet of the VPC."
                    }
                  }
                }
              }
            ]
          }
        },
        "routes": {
          "description": "Its static routes (the single-table form).",
          "type": [
            "array",
            "null"
          ],
          "items": {
            "$ref": "#/$defs/transitGatewayRoute"
          }
        },
        "defaultRouteTableAssociation": {
          "description": "AWS's DefaultRouteTableAssociation: an attachment no route table lists under associations is associated with the default route table.",
          "default": true,
          "anyOf": [
            {
              "$ref": "#/$defs/boolean"
            },
            {
              "type": "null"
            }
          ]
        },
        "defaultRouteTablePropagation": {
          "description": "AWS's DefaultRouteTablePropagation: an attachment no route table lists under propagations propagates into the default route table.",
          "default": true,
          "anyOf": [
            {
              "$ref": "#/$defs/boolean"
            },
            {
              "type": "null"
            }
          ]
        },
        "defaultRouteTable": {
          "description": "The default route table (for association and propagation). Omitted while either default is on: a table named 'default' (declared, or created as AWS creates one with the transit gateway).",
          "type": [
            "string",
            "null"
          ]
        },
        "attachments": {
          "description": "Its attachments (the route-table form): each one VPC, VPN, Direct Connect gateway or peering.",
          "type": [
            "array",
            "null"
          ],
          "items": {
            "$ref": "#/$defs/transitGatewayAttachment"
          }
        },
        "routeTables": {
          "description": "Its route tables (the route-table form).",
          "type": [
            "array",
            "null"
          ],
          "items": {
            "$ref": "#/$defs/transitGatewayRouteTable"
          }
        }
      }
    },
    "transitGatewayAttachment": {
      "description": "A transit gateway attachment: exactly one of vpc, vpn, directConnectGateway, peering.",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "name": {
          "description": "The attachment's name in route tables (associations, propagations, routes). Default: the name it attaches.",
          "type": [
            "string",
            "null"
          ]
        },
        "id": {
          "description": "The attachment's AWS ID, 'tgw-attach-' and 8 to 17 lower-case hex digits; generated when omitted.",
          "type": [
            "string",
            "null"
          ],
          "pattern": "^tgw-attach-[0-9a-f]{8,17}$"
        },
        "vpc": {
          "description": "A VPC attachment: the VPC's name (a VPC is attached once). It propagates the VPC's CIDR blocks.",
          "type": "string"
        },
        "vpn": {
          "description": "A Site-to-Site VPN attachment: the name of the external network at its far end. It propagates the network's block (BGP).",
          "type": "string"
        },
        "directConnectGateway": {
          "description": "A Direct Connect gateway attachment: the name of the external network behind it. It propagates the network's block; it needs allowedPrefixes.",
          "type": "string"
        },
        "allowedPrefixes": {
          "description": "Direct Connect gateway attachments (required there): the association's allowed prefixes, IPv4 CIDR blocks. They are all the Direct Connect gateway advertises to on-premises for this transit gateway, whatever the attachment's route table holds.",
          "type": "array",
          "items": {
            "type": "string"
          }
        },
        "peering": {
          "description": "A peering attachment: the name of the peer transit gateway (which declares a peering attachment back). Static routes only: it never propagates.",
          "type": "string"
        },
        "subnets": {
          "description": "VPC attachments: one subnet per zone (see vpcAttachments). Omitted: in each zone, the smallest subnet.",
          "type": [
            "array",
            "null"
          ],
          "items": {
            "type": "string"
          }
        },
        "applianceMode": {
          "description": "VPC attachments: appliance mode (ApplianceModeSupport). The transit gateway keeps a flow and its reply in one zone of this VPC; without it a reply may enter another zone and meet a stateful appliance that never saw the flow.",
          "default": false,
          "anyOf": [
            {
              "$ref": "#/$defs/boolean"
            },
            {
              "type": "null"
            }
          ]
        },
        "ipv6Support": {
          "description": "VPC attachments: IPv6 support (Ipv6Support, default disable). On: the transit gateway's interfaces in the attachment subnets get IPv6 addresses and the VPC's IPv6 blocks propagate; off: no IPv6 packet crosses this attachment.",
          "default": false,
          "anyOf": [
            {
              "$ref": "#/$defs/boolean"
            },
            {
              "type": "null"
            }
          ]
        }
      },
      "oneOf": [
        {
          "required": [
            "vpc"
          ]
        },
        {
          "required": [
            "vpn"
          ]
        },
        {
          "required": [
            "directConnectGateway",
            "allowedPrefixes"
          ]
        },
        {
          "required": [
            "peering"
          ]
        }
      ]
    },
    "transitGatewayRouteTable": {
      "description": "A transit gateway route table.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "name"
      ],
      "properties": {
        "name": {
          "description": "Its name, unique in the transit gateway.",
          "type": "string"
        },
        "id": {
          "description": "Its AWS ID, 'tgw-rtb-' and 8 to 17 lower-case hex digits; generated when omitted.",
          "type": [
            "string",
            "null"
          ],
          "pattern": "^tgw-rtb-[0-9a-f]{8,17}$"
        },
        "associations": {
          "description": "Attachments associated with it: the table routes what enters by them. An attachment is associated with one table at most.",
          "type": [
            "array",
            "null"
          ],
          "items": {
            "type": "string"
          }
        },
        "propagations": {
          "description": "Attachments that propagate their routes into it (a VPC its CIDR blocks, and its IPv6 blocks with ipv6Support; a BGP VPN or a Direct Connect gateway its external network's block; a static-routing VPN nothing: give it static routes).",
          "type": [
            "array",
            "null"
          ],
          "items": {
            "type": "string"
          }
        },
        "routes": {
          "description": "Its static routes.",
          "type": [
            "array",
            "null"
          ],
          "items": {
            "$ref": "#/$defs/transitGatewayTableRoute"
          }
        }
      }
    },
    "transitGatewayTableRoute": {
      "description": "A static route of a transit gateway route table: a destination CIDR block or a prefix list, to an attachment or a blackhole. Among routes for one destination: static, then prefix list, then propagated (VPC, Direct Connect gateway, VPN).",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "destination": {
          "description": "Destination block, IPv4 or IPv6 (host bits must be clear). IPv4 and IPv6 routes are looked up apart, the longest prefix of the packet's family first.",
          "anyOf": [
            {
              "$ref": "#/$defs/ipv4Cidr"
            },
            {
              "$ref": "#/$defs/ipv6Cidr"
            }
          ]
        },
        "prefixList": {
          "description": "A prefix list of the topology: one route per entry, IPv4 or IPv6.",
          "type": "string"
        },
        "attachment": {
          "description": "The attachment it leads to.",
          "type": "string"
        },
        "blackhole": {
          "description": "true: drop matching traffic.",
          "anyOf": [
            {
              "$ref": "#/$defs/boolean"
            },
            {
              "type": "null"
            }
          ]
        }
      },
      "oneOf": [
        {
          "required": [
            "destination"
          ]
        },
        {
          "required": [
            "prefixList"
          ]
        }
      ]
    },
    "cniValue": {
      "description": "An aws-node environment value. aws-node reads every value as text; quote it (\"true\", \"1\") to keep it text in YAML, though unquoted numbers and booleans are accepted.",
      "type": [
        "string",
        "number",
        "boolean",
        "null"
      ]
    },
    "cni": {
      "description": "aws-node (Amazon VPC CNI) environment variables, by their exact names, e.g. {WARM_ENI_TARGET: \"1\", ENABLE_PREFIX_DELEGATION: \"false\"}. Omitted variables take aws-node's defaults. Names netsim does not know are accepted with a warning and ignored.",
      "type": "object",
      "properties": {
        "WARM_ENI_TARGET": {
          "$ref": "#/$defs/cniValue",
          "description": "Keep this many ENIs' worth of free addresses on each node. ipamd default 1 (negative or unparsable: 1). Ignored when WARM_IP_TARGET or MINIMUM_IP_TARGET is set, and with prefix delegation. Whole number (ipamd parses it; a value that is not a whole number only warns)."
        },
        "WARM_IP_TARGET": {
          "$ref": "#/$defs/cniValue",
          "description": "Number of free addresses to keep on each node. Default unset (0). Whole number (ipamd parses it; a value that is not a whole number only warns)."
        },
        "MINIMUM_IP_TARGET": {
          "$ref": "#/$defs/cniValue",
          "description": "Floor on the total addresses each node holds. Default unset (0). Whole number (ipamd parses it; a value that is not a whole number only warns)."
        },
        "WARM_PREFIX_TARGET": {
          "$ref": "#/$defs/cniValue",
          "description": "With prefix delegation: number of completely free /28 prefixes to keep. Default 0 in ipamd (the EKS add-on sets 1). Whole number (ipamd parses it; a value that is not a whole number only warns)."
        },
        "MAX_ENI": {
          "$ref": "#/$defs/cniValue",
          "description": "Cap on the ENIs per node: min(MAX_ENI, the instance type's limit). Default unset; values below 1 are ignored. Whole number (ipamd parses it; a value that is not a whole number only warns)."
        },
        "IP_COOLDOWN_PERIOD": {
          "$ref": "#/$defs/cniValue",
          "description": "Seconds a released pod address stays unusable. Default 30. Whole number (ipamd parses it; a value that is not a whole number only warns)."
        },
        "AWS_VPC_ENI_MTU": {
          "$ref": "#/$defs/cniValue",
          "description": "MTU of the ENIs and pod interfaces. Default 9001. Whole number (ipamd parses it; a value that is not a whole number only warns)."
        },
        "ENABLE_PREFIX_DELEGATION": {
          "$ref": "#/$defs/cniValue",
          "description": "Assign /28 prefixes (16 addresses each) to ENIs instead of single secondary addresses; Nitro instances only. Default false. Boolean as Go's strconv.ParseBool reads it: true/false, 1/0, t/f, TRUE/FALSE, True/False. Anything else only warns and ipamd treats it as false."
        },
        "AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG": {
          "$ref": "#/$defs/cniValue",
          "description": "Custom networking: secondary ENIs take their subnet and security groups from the node's ENIConfig, and the primary ENI is not used for pods. Default false. Boolean as Go's strconv.ParseBool reads it: true/false, 1/0, t/f, TRUE/FALSE, True/False. Anything else only warns and ipamd treats it as false."
        },
        "ENABLE_SUBNET_DISCOVERY": {
          "$ref": "#/$defs/cniValue",
          "description": "New ENIs may go to other subnets of the node's zone tagged kubernetes.io/role/cni. Default true. Boolean as Go's strconv.ParseBool reads it: true/false, 1/0, t/f, TRUE/FALSE, True/False. Anything else only warns and ipamd treats it as false."
        },
        "ENABLE_POD_ENI": {
          "$ref": "#/$defs/cniValue",
          "description": "Security groups for pods: the VPC resource controller attaches a trunk ENI to each trunking-compatible node (it takes an ENI slot) and gives every pod a SecurityGroupPolicy selects a branch ENI of its own. Default false. Boolean as Go's strconv.ParseBool reads it: true/false, 1/0, t/f, TRUE/FALSE, True/False. Anything else only warns and ipamd treats it as false."
        },
        "AWS_MANAGE_ENIS_NON_SCHEDULABLE": {
          "$ref": "#/$defs/cniValue",
          "description": "Manage ENIs and addresses while the node is unschedulable. Default false. Boolean as Go's strconv.ParseBool reads it: true/false, 1/0, t/f, TRUE/FALSE, True/False. Anything else only warns and ipamd treats it as false."
        },
        "DISABLE_NETWORK_RESOURCE_PROVISIONING": {
          "$ref": "#/$defs/cniValue",
          "description": "Make no EC2 calls: the pool is whatever is already attached. Default false. Boolean as Go's strconv.ParseBool reads it: true/false, 1/0, t/f, TRUE/FALSE, True/False. Anything else only warns and ipamd treats it as false."
        },
        "ENABLE_IMDS_ONLY_MODE": {
          "$ref": "#/$defs/cniValue",
          "description": "Read ENIs and addresses only from instance metadata, with no EC2 calls. Default false. Boolean as Go's strconv.ParseBool reads it: true/false, 1/0, t/f, TRUE/FALSE, True/False. Anything else only warns and ipamd treats it as false."
        },
        "ENABLE_MULTI_NIC": {
          "$ref": "#/$defs/cniValue",
          "description": "Manage ENIs on network cards other than card 0 too. Default false. Boolean as Go's strconv.ParseBool reads it: true/false, 1/0, t/f, TRUE/FALSE, True/False. Anything else only warns and ipamd treats it as false."
        },
        "AWS_VPC_K8S_CNI_EXTERNALSNAT": {
          "$ref": "#/$defs/cniValue",
          "description": "Do not SNAT pod traffic to destinations outside the VPC (an external NAT does it); pods keep their address. Default false. Boolean as Go's strconv.ParseBool reads it: true/false, 1/0, t/f, TRUE/FALSE, True/False. Anything else only warns and ipamd treats it as false."
        },
        "AWS_VPC_CNI_NODE_PORT_SUPPORT": {
          "$ref": "#/$defs/cniValue",
          "description": "Connmark rules that send NodePort replies back out of the primary ENI. Default true. Boolean as Go's strconv.ParseBool reads it: true/false, 1/0, t/f, TRUE/FALSE, True/False. Anything else only warns and ipamd treats it as false."
        },
        "ENABLE_IPv4": {
          "$ref": "#/$defs/cniValue",
          "description": "IPv4 pod addressing. Default true. Boolean as Go's strconv.ParseBool reads it: true/false, 1/0, t/f, TRUE/FALSE, True/False. Anything else only warns and ipamd treats it as false."
        },
        "ENABLE_IPv6": {
          "$ref": "#/$defs/cniValue",
          "description": "IPv6 pod addressing (needs ENABLE_IPv4=false and ENABLE_PREFIX_DELEGATION=true). Default false. Boolean as Go's strconv.ParseBool reads it: true/false, 1/0, t/f, TRUE/FALSE, True/False. Anything else only warns and ipamd treats it as false."
        },
        "ENABLE_V4_EGRESS": {
          "$ref": "#/$defs/cniValue",
          "description": "In IPv6 clusters, IPv4 egress for pods through the egress plugin. Default true. Boolean as Go's strconv.ParseBool reads it: true/false, 1/0, t/f, TRUE/FALSE, True/False. Anything else only warns and ipamd treats it as false."
        },
        "ENABLE_V6_EGRESS": {
          "$ref": "#/$defs/cniValue",
          "description": "In IPv4 clusters, IPv6 egress for pods through the egress plugin. Default false. Boolean as Go's strconv.ParseBool reads it: true/false, 1/0, t/f, TRUE/FALSE, True/False. Anything else only warns and ipamd treats it as false."
        },
        "DISABLE_TCP_EARLY_DEMUX": {
          "$ref": "#/$defs/cniValue",
          "description": "Turn off the kernel's tcp_early_demux (for kubelet TCP probes of pods with security groups). Default false. Boolean as Go's strconv.ParseBool reads it: true/false, 1/0, t/f, TRUE/FALSE, True/False. Anything else only warns and ipamd treats it as false."
        },
        "ANNOTATE_POD_IP": {
          "$ref": "#/$defs/cniValue",
          "description": "ipamd annotates each pod with its address (vpc.amazonaws.com/pod-ips). Default false. Boolean as Go's strconv.ParseBool reads it: true/false, 1/0, t/f, TRUE/FALSE, True/False. Anything else only warns and ipamd treats it as false."
        },
        "DISABLE_LEAKED_ENI_CLEANUP": {
          "$ref": "#/$defs/cniValue",
          "description": "Turn off the hourly clean-up of leaked ENIs. Default false. Boolean as Go's strconv.ParseBool reads it: true/false, 1/0, t/f, TRUE/FALSE, True/False. Anything else only warns and ipamd treats it as false."
        },
        "ENABLE_NFTABLES": {
          "$ref": "#/$defs/cniValue",
          "description": "Use the nftables back end of iptables. Default false. Boolean as Go's strconv.ParseBool reads it: true/false, 1/0, t/f, TRUE/FALSE, True/False. Anything else only warns and ipamd treats it as false."
        },
        "ENABLE_BANDWIDTH_PLUGIN": {
          "$ref": "#/$defs/cniValue",
          "description": "Chain the bandwidth plugin (pod ingress/egress shaping). Default false. Boolean as Go's strconv.ParseBool reads it: true/false, 1/0, t/f, TRUE/FALSE, True/False. Anything else only warns and ipamd treats it as false."
        },
        "DISABLE_INTROSPECTION": {
          "$ref": "#/$defs/cniValue",
          "description": "Turn off ipamd's introspection endpoint. Default false. Boolean as Go's strconv.ParseBool reads it: true/false, 1/0, t/f, TRUE/FALSE, True/False. Anything else only warns and ipamd treats it as false."
        },
        "DISABLE_METRICS": {
          "$ref": "#/$defs/cniValue",
          "description": "Turn off ipamd's Prometheus metrics endpoint. Default false. Boolean as Go's strconv.ParseBool reads it: true/false, 1/0, t/f, TRUE/FALSE, True/False. Anything else only warns and ipamd treats it as false."
        },
        "AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS": {
          "$ref": "#/$defs/cniValue",
          "description": "Comma-separated CIDR blocks outside the VPC that pods reach without SNAT (e.g. peered VPCs, on-premises). Text."
        },
        "AWS_VPC_K8S_CNI_RANDOMIZESNAT": {
          "$ref": "#/$defs/cniValue",
          "description": "Source-port randomisation of the SNAT rule: prng (default), hashrandom or none. Text."
        },
        "AWS_VPC_K8S_CNI_VETHPREFIX": {
          "$ref": "#/$defs/cniValue",
          "description": "Prefix of host-side veth names. Default eni. Text."
        },
        "AWS_VPC_K8S_CNI_CONNMARK": {
          "$ref": "#/$defs/cniValue",
          "description": "The connmark/fwmark bit ipamd uses. Default 0x80. Text."
        },
        "AWS_EXTERNAL_SERVICE_CIDRS": {
          "$ref": "#/$defs/cniValue",
          "description": "Comma-separated CIDR blocks always routed through the main table (ip rule priority 1535). Text."
        },
        "ENI_CONFIG_ANNOTATION_DEF": {
          "$ref": "#/$defs/cniValue",
          "description": "Node annotation key that names the node's ENIConfig. Default k8s.amazonaws.com/eniConfig. Text."
        },
        "ENI_CONFIG_LABEL_DEF": {
          "$ref": "#/$defs/cniValue",
          "description": "Node label key that names the node's ENIConfig. Default k8s.amazonaws.com/eniConfig; topology.kubernetes.io/zone selects the ENIConfig named after the node's zone. Text."
        },
        "CLUSTER_NAME": {
          "$ref": "#/$defs/cniValue",
          "description": "Cluster name, for ENI tags and cluster-specific subnet-discovery tags. Text."
        },
        "ADDITIONAL_ENI_TAGS": {
          "$ref": "#/$defs/cniValue",
          "description": "JSON object of extra tags for the ENIs ipamd creates. Text."
        },
        "POD_SECURITY_GROUP_ENFORCING_MODE": {
          "$ref": "#/$defs/cniValue",
          "description": "Security groups for pods: strict (default: every packet of a branch pod leaves through its branch ENI and meets its groups) or standard (same-node traffic bypasses them; traffic leaving the VPC is SNATed on eth0). Compared exactly: any other text is strict (NS1307)."
        },
        "NETWORK_POLICY_ENFORCING_MODE": {
          "$ref": "#/$defs/cniValue",
          "description": "The network policy agent's mode: standard (the default: a new pod starts default-allow until its policies are applied) or strict (it starts default-deny), in any case. Another value warns (ipamd and the agent refuse it) and reads as standard; with an enforcer other than vpc-cni it has no effect (warning). Text."
        },
        "AWS_VPC_K8S_CNI_LOGLEVEL": {
          "$ref": "#/$defs/cniValue",
          "description": "ipamd log level. Default DEBUG. Text."
        },
        "AWS_VPC_K8S_CNI_LOG_FILE": {
          "$ref": "#/$defs/cniValue",
          "description": "ipamd log file. Default /host/var/log/aws-routed-eni/ipamd.log. Text."
        },
        "AWS_VPC_K8S_PLUGIN_LOG_FILE": {
          "$ref": "#/$defs/cniValue",
          "description": "CNI plugin log file. Default /var/log/aws-routed-eni/plugin.log. Text."
        },
        "AWS_VPC_K8S_PLUGIN_LOG_LEVEL": {
          "$ref": "#/$defs/cniValue",
          "description": "CNI plugin log level. Default DEBUG. Text."
        },
        "INTROSPECTION_BIND_ADDRESS": {
          "$ref": "#/$defs/cniValue",
          "description": "Address of ipamd's introspection endpoint. Default 127.0.0.1:61679. Text."
        }
      },
      "additionalProperties": {
        "$ref": "#/$defs/cniValue"
      }
    },
    "eniConfig": {
      "description": "An ENIConfig (crd.k8s.amazonaws.com/v1alpha1) for custom networking: the subnet and security groups of the secondary ENIs of the nodes that select it. Used when AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG is true.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "name",
        "subnet"
      ],
      "properties": {
        "name": {
          "description": "Unique name. Nodes select it by the label k8s.amazonaws.com/eniConfig, or by zone name when ENI_CONFIG_LABEL_DEF is topology.kubernetes.io/zone (then name it after the zone, e.g. us-east-1a).",
          "type": "string"
        },
        "subnet": {
          "description": "Name of the subnet (of the main VPC) for pod ENIs; it must be in the node's zone.",
          "type": "string"
        },
        "securityGroups": {
          "description": "Names of the security groups of pod ENIs. Empty: the node's primary ENI's groups.",
          "type": [
            "array",
            "null"
          ],
          "items": {
            "type": "string",
            "description": "The name of a security group."
          }
        }
      }
    },
    "taint": {
      "description": "A Kubernetes taint on every node of the group.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "key",
        "effect"
      ],
      "properties": {
        "key": {
          "$ref": "#/$defs/text",
          "description": "Taint key."
        },
        "value": {
          "description": "Taint value.",
          "default": "",
          "anyOf": [
            {
              "$ref": "#/$defs/text"
            },
            {
              "type": "null"
            }
          ]
        },
        "effect": {
          "description": "Taint effect.",
          "type": "string",
          "enum": [
            "NoSchedule",
            "PreferNoSchedule",
            "NoExecute"
          ]
        }
      }
    },
    "fargateProfile": {
      "description": "An EKS Fargate profile (CreateFargateProfile): the pods its selectors match run on Fargate, with the cluster security group (or their SecurityGroupPolicy groups) on their ENI.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "name",
        "subnets",
        "selectors"
      ],
      "properties": {
        "name": {
          "description": "Unique name: 1 to 100 letters, digits, '-' and '_', starting with a letter or digit. Pods labelled eks.amazonaws.com/fargate-profile: NAME choose this profile.",
          "type": "string",
          "pattern": "^[0-9A-Za-z][0-9A-Za-z_-]*$",
          "maxLength": 100
        },
        "subnets": {
          "description": "Names of private subnets of the cluster's VPC for the pods' ENIs: a subnet whose route table routes to an internet gateway is refused (NS1341). Pods take them in turn.",
          "type": "array",
          "minItems": 1,
          "items": {
            "type": "string",
            "description": "The name of a subnet."
          }
        },
        "selectors": {
          "description": "At least one selector (EKS's default quota is 5 per profile); a pod matches one when it is in its namespace and carries all its labels.",
          "type": "array",
          "minItems": 1,
          "items": {
            "$ref": "#/$defs/fargateSelector"
          }
        }
      }
    },
    "fargateSelector": {
      "description": "A Fargate profile selector: a namespace and optional labels.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "namespace"
      ],
      "properties": {
        "namespace": {
          "description": "The pods' namespace (a DNS-1123 label).",
          "type": "string"
        },
        "labels": {
          "description": "Labels the pods must all carry (EKS's default quota is 5 per selector).",
          "anyOf": [
            {
              "$ref": "#/$defs/stringMap"
            },
            {
              "type": "null"
            }
          ]
        }
      }
    },
    "nodeGroup": {
      "description": "A managed or self-managed node group: identical EC2 instances spread over subnets.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "name",
        "instanceType",
        "subnets"
      ],
      "properties": {
        "name": {
          "description": "Unique name; nodegroup:NAME endpoints refer to it.",
          "type": "string"
        },
        "instanceType": {
          "description": "EC2 instance type, from netsim's catalog (see 'netsim capacity --all-instance-types'). It sets the ENI and address limits.",
          "type": "string",
          "pattern": "^[a-z0-9-]+\\.[a-z0-9-]+$",
          "examples": [
            "m5.large"
          ]
        },
        "count": {
          "description": "Number of nodes, 0-100000.",
          "default": 1,
          "anyOf": [
            {
              "type": "integer",
              "minimum": 0,
              "maximum": 100000
            },
            {
              "type": "string",
              "pattern": "^[+-]?[0-9]+$",
              "description": "The same whole number written in quotes; the loader reads it the same way."
            },
            {
              "type": "null"
            }
          ]
        },
        "subnets": {
          "description": "Names of the subnets (main VPC) the nodes launch in.",
          "type": "array",
          "items": {
            "type": "string",
            "description": "The name of a subnet."
          }
        },
        "securityGroups": {
          "description": "Names of the security groups of the nodes' primary ENIs (and of secondary ENIs without custom networking).",
          "type": [
            "array",
            "null"
          ],
          "items": {
            "type": "string",
            "description": "The name of a security group."
          }
        },
        "maxPods": {
          "description": "kubelet --max-pods override, 1-10000. Omitted: computed from the instance type. A value above what the instance's addresses allow warns.",
          "anyOf": [
            {
              "type": "integer",
              "minimum": 1,
              "maximum": 10000
            },
            {
              "type": "string",
              "pattern": "^[+-]?[0-9]+$",
              "description": "The same whole number written in quotes; the loader reads it the same way."
            },
            {
              "type": "null"
            }
          ]
        },
        "labels": {
          "description": "Kubernetes labels of the nodes (e.g. k8s.amazonaws.com/eniConfig).",
          "anyOf": [
            {
              "$ref": "#/$defs/stringMap"
            },
            {
              "type": "null"
            }
          ]
        },
        "taints": {
          "description": "Taints of the nodes.",
          "type": [
            "array",
            "null"
          ],
          "items": {
            "$ref": "#/$defs/taint"
          }
        },
        "managed": {
          "description": "An EKS managed node group (default true): with cluster.controlPlane, EKS attaches the cluster security group to its nodes' ENIs. false: a self-managed group, with its securityGroups only.",
          "$ref": "#/$defs/boolean"
        }
      }
    },
    "cluster": {
      "description": "The EKS cluster, which runs in the main VPC (vpc).",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "name"
      ],
      "properties": {
        "name": {
          "$ref": "#/$defs/text",
          "description": "Cluster name."
        },
        "version": {
          "description": "Kubernetes version, e.g. \"1.31\". Quote it: YAML tools read 1.30 as a number (netsim still reads the text as written).",
          "default": "1.31",
          "anyOf": [
            {
              "$ref": "#/$defs/text"
            },
            {
              "type": "null"
            }
          ]
        },
        "serviceIpv6Cidr": {
          "description": "An IPv6 cluster's Service range as EKS gave it (kubernetesNetworkConfig.serviceIpv6Cidr: a /108 of fc00::/7). Omitted: a seeded fdXX:XXXX:XXXX::/108.",
          "anyOf": [
            {
              "$ref": "#/$defs/ipv6Cidr"
            },
            {
              "type": "null"
            }
          ]
        },
        "serviceCidr": {
          "description": "The Kubernetes service IPv4 range (/12 to /24), from which Services get their clusterIP. It must not overlap the main VPC. Omitted: as EKS chooses, 172.20.0.0/16 when a block of the main VPC is in 10.0.0.0/8, else 10.100.0.0/16.",
          "type": [
            "string",
            "null"
          ],
          "pattern": "^(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}/(1[2-9]|2[0-4])$"
        },
        "ipFamily": {
          "description": "The cluster's IP family.",
          "type": [
            "string",
            "null"
          ],
          "enum": [
            "ipv4",
            "ipv6",
            null
          ],
          "default": "ipv4"
        },
        "nodePortRange": {
          "description": "The NodePort range (kube-apiserver --service-node-port-range).",
          "default": "30000-32767",
          "anyOf": [
            {
              "$ref": "#/$defs/ports"
            },
            {
              "type": "null"
            }
          ]
        },
        "networkPolicy": {
          "description": "Who enforces the cluster's NetworkPolicies. Omitted: undeclared, unless vpcCniAddon.enableNetworkPolicy is \"true\" (then vpc-cni); check warns when NetworkPolicies exist and no enforcer is declared.",
          "type": [
            "object",
            "null"
          ],
          "additionalProperties": false,
          "properties": {
            "enforcer": {
              "description": "vpc-cni: the VPC CNI's network policy agent (eBPF, EKS's semantics; off when vpcCniAddon.enableNetworkPolicy is \"false\"); upstream: Kubernetes semantics, as Calico or Cilium enforce them; none: policies are stored and not enforced.",
              "type": [
                "string",
                "null"
              ],
              "enum": [
                "vpc-cni",
                "upstream",
                "none",
                null
              ]
            }
          }
        },
        "vpcCniAddon": {
          "description": "The EKS vpc-cni add-on's configuration values, by their real names. netsim reads enableNetworkPolicy; the add-on's other keys (nodeAgent, init, resources, tolerations, …) are accepted with a warning and ignored, and aws-node's environment belongs in cni.",
          "type": [
            "object",
            "null"
          ],
          "properties": {
            "enableNetworkPolicy": {
              "description": "\"true\" runs the network policy agent (aws-eks-nodeagent); \"false\" (the add-on's default) leaves policies unenforced by the VPC CNI. A string, as the add-on's schema takes it.",
              "type": [
                "string",
                "null"
              ],
              "enum": [
                "true",
                "false",
                null
              ]
            }
          }
        },
        "kubeProxy": {
          "description": "kube-proxy's configuration, as the EKS kube-proxy add-on's kube-proxy-config (KubeProxyConfiguration, kubernetes v1.31) sets it. Omitted keys take EKS's defaults: no clusterCIDR (no local-traffic detector), masqueradeAll false, NodePorts on every local address, localhost NodePorts on, conntrack.tcpBeLiberal false.",
          "type": [
            "object",
            "null"
          ],
          "additionalProperties": false,
          "properties": {
            "clusterCIDR": {
              "description": "The pods' addresses, for the ClusterCIDR local-traffic detector: off-cluster traffic to a cluster IP is masqueraded, pods reaching an externalTrafficPolicy Local Service's external address take the Cluster path. One CIDR, or an IPv4 and an IPv6 comma-separated without spaces; the IPv4 one is used. Read only in ClusterCIDR mode. EKS default \"\" (none).",
              "type": [
                "string",
                "null"
              ],
              "examples": [
                "10.0.0.0/16"
              ]
            },
            "detectLocalMode": {
              "description": "How kube-proxy tells pods' traffic apart. ClusterCIDR (default) uses clusterCIDR; InterfaceNamePrefix uses detectLocal.interfaceNamePrefix (eni with the VPC CNI); BridgeInterface uses detectLocal.bridgeInterface; NodeCIDR is refused: kube-proxy waits for the node's spec.podCIDR, which EKS nodes never get, and exits after 5 minutes.",
              "type": [
                "string",
                "null"
              ],
              "enum": [
                "ClusterCIDR",
                "NodeCIDR",
                "BridgeInterface",
                "InterfaceNamePrefix",
                null
              ],
              "default": "ClusterCIDR"
            },
            "detectLocal": {
              "description": "Settings of the interface detectors.",
              "type": [
                "object",
                "null"
              ],
              "additionalProperties": false,
              "properties": {
                "bridgeInterface": {
                  "$ref": "#/$defs/text",
                  "description": "The bridge pods' traffic arrives on (BridgeInterface)."
                },
                "interfaceNamePrefix": {
                  "$ref": "#/$defs/text",
                  "description": "The prefix of the host interfaces pods' traffic arrives on (InterfaceNamePrefix), e.g. eni."
                }
              }
            },
            "nodePortAddresses": {
              "description": "The addresses NodePorts are open on: CIDRs (each node address inside one) and primary (the node's primary address). Default: every local address, 127.0.0.1 included.",
              "type": [
                "array",
                "null"
              ],
              "items": {
                "anyOf": [
                  {
                    "$ref": "#/$defs/ipv4Cidr"
                  },
                  {
                    "$ref": "#/$defs/ipv6Cidr"
                  },
                  {
                    "type": "string",
                    "const": "primary"
                  }
                ]
              }
            },
            "iptables": {
              "description": "iptables-mode settings.",
              "type": [
                "object",
                "null"
              ],
              "additionalProperties": false,
              "properties": {
                "masqueradeAll": {
                  "$ref": "#/$defs/boolean",
                  "description": "Masquerade every connection to a cluster IP. Default false."
                },
                "localhostNodePorts": {
                  "$ref": "#/$defs/boolean",
                  "description": "Accept NodePorts on 127.0.0.1 (forced off when nodePortAddresses leaves out 127.0.0.0/8). Default true."
                }
              }
            },
            "conntrack": {
              "description": "conntrack settings.",
              "type": [
                "object",
                "null"
              ],
              "additionalProperties": false,
              "properties": {
                "tcpBeLiberal": {
                  "$ref": "#/$defs/boolean",
                  "description": "Set nf_conntrack_tcp_be_liberal: out-of-window TCP packets are not INVALID, and kube-proxy writes no INVALID drop rule. Default false."
                }
              }
            }
          }
        },
        "controlPlane": {
          "description": "The EKS control plane in the VPC (EKS CreateCluster resourcesVpcConfig): the 2 to 4 cross-account ENIs EKS places in the subnets given at cluster creation, the cluster security group, additional groups and the API server endpoint's access. Omitted: the control plane is not modelled (traces to default/kubernetes end NOT_MODELLED; controlplane and apiserver cannot be traced). See Docs/control-plane.md.",
          "type": "object",
          "additionalProperties": false,
          "required": [
            "subnets"
          ],
          "properties": {
            "subnets": {
              "description": "Names of the subnets (the cluster's VPC, at least two zones) the control-plane ENIs take their addresses from.",
              "type": "array",
              "minItems": 1,
              "items": {
                "type": "string",
                "description": "The name of a subnet."
              }
            },
            "enis": {
              "description": "How many control-plane ENIs EKS keeps, 2-4 (one per subnet in turn).",
              "default": 2,
              "anyOf": [
                {
                  "type": "integer",
                  "minimum": 2,
                  "maximum": 4
                },
                {
                  "type": "string",
                  "pattern": "^[+-]?[0-9]+$",
                  "description": "The same whole number written in quotes; the loader reads it the same way."
                },
                {
                  "type": "null"
                }
              ]
            },
            "clusterSecurityGroup": {
              "description": "The cluster security group's name. A group of that name in vpc.securityGroups is used as written; otherwise netsim creates it as EKS does (all traffic from its members, all out). Omitted: the VPC's one group named eks-cluster-sg-<cluster>-… if there is exactly one, else eks-cluster-sg-<cluster>-<10 digits>, derived from the cluster name and the seed. EKS attaches it to the ENIs and to managed node groups' nodes.",
              "type": "string",
              "minLength": 1,
              "maxLength": 255
            },
            "securityGroups": {
              "description": "Additional security groups given at cluster creation, on the ENIs after the cluster group.",
              "type": [
                "array",
                "null"
              ],
              "items": {
                "type": "string",
                "description": "The name of a security group."
              }
            },
            "endpoint": {
              "description": "The API server endpoint's access. At least one of publicAccess and privateAccess is true.",
              "type": [
                "object",
                "null"
              ],
              "additionalProperties": false,
              "properties": {
                "publicAccess": {
                  "description": "endpointPublicAccess (default true): the public endpoint answers clients whose address is in publicAccessCidrs.",
                  "$ref": "#/$defs/boolean"
                },
                "privateAccess": {
                  "description": "endpointPrivateAccess (default false): clients in the VPC (and peered or on-premises networks resolving through it) reach the control-plane ENIs.",
                  "$ref": "#/$defs/boolean"
                },
                "publicAccessCidrs": {
                  "description": "Public IPv4 blocks the public endpoint admits (default 0.0.0.0/0).",
                  "type": "array",
                  "minItems": 1,
                  "items": {
                    "$ref": "#/$defs/ipv4Cidr"
                  }
                }
              }
            }
          }
        },
        "cni": {
          "description": "aws-node environment variables (see $defs/cni).",
          "anyOf": [
            {
              "$ref": "#/$defs/cni"
            },
            {
              "type": "null"
            }
          ]
        },
        "eniConfigs": {
          "description": "ENIConfigs for custom networking.",
          "type": [
            "array",
            "null"
          ],
          "items": {
            "$ref": "#/$defs/eniConfig"
          }
        },
        "nodeGroups": {
          "description": "Node groups.",
          "type": [
            "array",
            "null"
          ],
          "items": {
            "$ref": "#/$defs/nodeGroup"
          }
        },
        "fargateProfiles": {
          "description": "Fargate profiles, in order: a pod that matches a selector runs on Fargate, in its own micro-VM with one ENI and one address from a profile subnet (a node named fargate-ip-…). When several profiles match, the pod's label eks.amazonaws.com/fargate-profile chooses, else the first (EKS picks one at random). EKS allows 10 profiles per cluster. See Docs/fargate.md.",
          "type": [
            "array",
            "null"
          ],
          "items": {
            "$ref": "#/$defs/fargateProfile"
          }
        }
      }
    },
    "externalPort": {
      "description": "A port the external host or network listens on.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "port"
      ],
      "properties": {
        "name": {
          "description": "Port name, e.g. postgres.",
          "anyOf": [
            {
              "$ref": "#/$defs/text"
            },
            {
              "type": "null"
            }
          ]
        },
        "port": {
          "description": "Port number, 1-65535.",
          "anyOf": [
            {
              "type": "integer",
              "minimum": 1,
              "maximum": 65535
            },
            {
              "type": "string",
              "pattern": "^[+-]?[0-9]+$",
              "description": "The same whole number written in quotes; the loader reads it the same way."
            }
          ]
        },
        "protocol": {
          "description": "Protocol of the port.",
          "default": "tcp",
          "anyOf": [
            {
              "$ref": "#/$defs/protocol"
            },
            {
              "type": "null"
            }
          ]
        }
      }
    },
    "firewallRule": {
      "description": "A firewall rule: evaluated in order, the first match decides.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "action",
        "cidr"
      ],
      "properties": {
        "action": {
          "description": "What a match does.",
          "type": "string",
          "enum": [
            "allow",
            "deny"
          ]
        },
        "protocol": {
          "description": "IP protocol the rule matches (default all).",
          "anyOf": [
            {
              "$ref": "#/$defs/protocol"
            },
            {
              "type": "null"
            }
          ]
        },
        "ports": {
          "description": "Destination port or range, for tcp and udp.",
          "default": "all",
          "anyOf": [
            {
              "$ref": "#/$defs/ports"
            },
            {
              "type": "null"
            }
          ]
        },
        "cidr": {
          "$ref": "#/$defs/ipv4Cidr",
          "description": "The AWS-side addresses: the source of inbound traffic (into the network), the destination of outbound traffic (out of it). 0.0.0.0/0 for any."
        },
        "description": {
          "description": "Free text.",
          "anyOf": [
            {
              "$ref": "#/$defs/text"
            },
            {
              "type": "null"
            }
          ]
        }
      }
    },
    "externalFirewall": {
      "description": "A stateful firewall in front of the external network, applied where flows cross a transit gateway or virtual private gateway to or from it. Rules are ordered, first match wins; a direction with rules denies what none allows, a direction without rules passes everything; replies to a flow it let through pass.",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "name": {
          "description": "Name shown in traces (default EXTERNALNAME-firewall).",
          "type": [
            "string",
            "null"
          ]
        },
        "inbound": {
          "description": "Rules for traffic entering the network from AWS, in order.",
          "type": [
            "array",
            "null"
          ],
          "items": {
            "$ref": "#/$defs/firewallRule"
          }
        },
        "outbound": {
          "description": "Rules for traffic leaving the network toward AWS, in order.",
          "type": [
            "array",
            "null"
          ],
          "items": {
            "$ref": "#/$defs/firewallRule"
          }
        }
      }
    },
    "external": {
      "description": "A named host or network outside the cluster: a database in a VPC subnet, a partner's range, an on-premises network. Give a host an address, or a network a cidr.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "name"
      ],
      "properties": {
        "name": {
          "description": "Unique name; external:NAME endpoints and transit gateway routes refer to it.",
          "type": "string"
        },
        "address": {
          "$ref": "#/$defs/ipv4Address",
          "description": "The host's IPv4 address. With a subnet it must be inside it and not one of the five addresses AWS reserves."
        },
        "cidr": {
          "$ref": "#/$defs/ipv4Cidr",
          "description": "The network's IPv4 block (instead of address). Host bits set are accepted with a warning."
        },
        "subnet": {
          "description": "For a host inside a VPC: the name of its subnet (any VPC of the topology).",
          "type": [
            "string",
            "null"
          ]
        },
        "securityGroups": {
          "description": "Security groups of the host's network interface; needs subnet.",
          "type": [
            "array",
            "null"
          ],
          "items": {
            "type": "string",
            "description": "The name of a security group."
          }
        },
        "publicIp": {
          "description": "A public IPv4 address of the host.",
          "anyOf": [
            {
              "$ref": "#/$defs/ipv4Address"
            },
            {
              "type": "null"
            }
          ]
        },
        "via": {
          "description": "For networks outside the VPCs: what reaches them, the name of a transit gateway, virtual private gateway, peering connection or internet gateway, or internet. Not with subnet. Omitted: the internet.",
          "type": [
            "string",
            "null"
          ]
        },
        "ports": {
          "description": "Ports it listens on.",
          "type": [
            "array",
            "null"
          ],
          "items": {
            "$ref": "#/$defs/externalPort"
          }
        },
        "description": {
          "description": "Free text.",
          "anyOf": [
            {
              "$ref": "#/$defs/text"
            },
            {
              "type": "null"
            }
          ]
        },
        "connection": {
          "description": "The link to AWS, for a network reached through a transit gateway or virtual private gateway: vpn (Site-to-Site VPN) or directConnect. Ranks its propagated routes (Direct Connect BGP, VPN static, VPN BGP).",
          "anyOf": [
            {
              "type": "string",
              "enum": [
                "vpn",
                "directConnect"
              ]
            },
            {
              "type": "null"
            }
          ]
        },
        "routing": {
          "description": "bgp (default; Direct Connect is always BGP) or static. With static routing, returnRoutes must list the routes the customer gateway has toward AWS.",
          "default": "bgp",
          "anyOf": [
            {
              "type": "string",
              "enum": [
                "bgp",
                "static"
              ]
            },
            {
              "type": "null"
            }
          ]
        },
        "returnRoutes": {
          "description": "The routes the network has back toward AWS. Static routing: all it has. BGP: when written, they replace what the gateway advertises (a virtual private gateway its VPC's CIDR blocks, a transit gateway every attached VPC's).",
          "type": [
            "array",
            "null"
          ],
          "items": {
            "$ref": "#/$defs/ipv4Cidr"
          }
        },
        "firewall": {
          "$ref": "#/$defs/externalFirewall"
        }
      },
      "oneOf": [
        {
          "required": [
            "address"
          ]
        },
        {
          "required": [
            "cidr"
          ]
        }
      ],
      "allOf": [
        {
          "not": {
            "required": [
              "subnet",
              "via"
            ],
            "properties": {
              "subnet": {
                "type": "string"
              },
              "via": {
                "type": "string"
              }
            }
          }
        },
        {
          "if": {
            "required": [
              "securityGroups"
            ],
            "properties": {
              "securityGroups": {
                "type": "array",
                "minItems": 1
              }
            }
          },
          "then": {
            "required": [
              "subnet"
            ],
            "properties": {
              "subnet": {
                "type": "string"
              }
            }
          }
        }
      ]
    },
    "kubernetesObject": {
      "description": "An inline Kubernetes manifest, exactly as kubectl would apply it. netsim models Namespace, Deployment, StatefulSet, DaemonSet, Pod, Service, EndpointSlice, Ingress, IngressClass, NetworkPolicy, ClusterNetworkPolicy, SecurityGroupPolicy, ServiceAccount, ValidatingWebhookConfiguration, MutatingWebhookConfiguration and APIService (and List objects holding them); other kinds are ignored with a warning, and fields netsim does not model are ignored.",
      "type": "object",
      "required": [
        "apiVersion",
        "kind"
      ],
      "properties": {
        "apiVersion": {
          "description": "API group/version, e.g. apps/v1. Modelled kinds must use the version current Kubernetes serves.",
          "type": "string"
        },
        "kind": {
          "description": "Object kind, e.g. Deployment.",
          "type": "string",
          "examples": [
            "Namespace",
            "Pod",
            "Service",
            "Deployment",
            "StatefulSet",
            "DaemonSet",
            "EndpointSlice",
            "Ingress",
            "IngressClass",
            "NetworkPolicy",
            "List"
          ]
        },
        "metadata": {
          "description": "Object metadata; netsim reads name, namespace (default: default), labels and annotations.",
          "type": "object"
        },
        "spec": {
          "description": "Object spec; netsim reads the fields that matter to networking.",
          "type": "object"
        },
        "items": {
          "description": "For kind List (or any kind ending in List): the objects it holds.",
          "type": "array"
        }
      },
      "additionalProperties": true,
      "allOf": [
        {
          "if": {
            "required": [
              "kind"
            ],
            "properties": {
              "kind": {
                "const": "Namespace"
              }
            }
          },
          "then": {
            "required": [
              "metadata"
            ],
            "properties": {
              "apiVersion": {
                "const": "v1"
              },
              "metadata": {
                "required": [
                  "name"
                ]
              }
            }
          }
        },
        {
          "if": {
            "required": [
              "kind"
            ],
            "properties": {
              "kind": {
                "const": "Pod"
              }
            }
          },
          "then": {
            "required": [
              "metadata"
            ],
            "properties": {
              "apiVersion": {
                "const": "v1"
              },
              "metadata": {
                "required": [
                  "name"
                ]
              }
            }
          }
        },
        {
          "if": {
            "required": [
              "kind"
            ],
            "properties": {
              "kind": {
                "const": "Service"
              }
            }
          },
          "then": {
            "required": [
              "metadata"
            ],
            "properties": {
              "apiVersion": {
                "const": "v1"
              },
              "metadata": {
                "required": [
                  "name"
                ]
              }
            }
          }
        },
        {
          "if": {
            "required": [
              "kind"
            ],
            "properties": {
              "kind": {
                "const": "Deployment"
              }
            }
          },
          "then": {
            "required": [
              "metadata"
            ],
            "properties": {
              "apiVersion": {
                "const": "apps/v1"
              },
              "metadata": {
                "required": [
                  "name"
                ]
              }
            }
          }
        },
        {
          "if": {
            "required": [
              "kind"
            ],
            "properties": {
              "kind": {
                "const": "StatefulSet"
              }
            }
          },
          "then": {
            "required": [
              "metadata"
            ],
            "properties": {
              "apiVersion": {
                "const": "apps/v1"
              },
              "metadata": {
                "required": [
                  "name"
                ]
              }
            }
          }
        },
        {
          "if": {
            "required": [
              "kind"
            ],
            "properties": {
              "kind": {
                "const": "DaemonSet"
              }
            }
          },
          "then": {
            "required": [
              "metadata"
            ],
            "properties": {
              "apiVersion": {
                "const": "apps/v1"
              },
              "metadata": {
                "required": [
                  "name"
                ]
              }
            }
          }
        },
        {
          "if": {
            "required": [
              "kind"
            ],
            "properties": {
              "kind": {
                "const": "EndpointSlice"
              }
            }
          },
          "then": {
            "required": [
              "metadata"
            ],
            "properties": {
              "apiVersion": {
                "const": "discovery.k8s.io/v1"
              },
              "metadata": {
                "required": [
                  "name"
                ]
              }
            }
          }
        },
        {
          "if": {
            "required": [
              "kind"
            ],
            "properties": {
              "kind": {
                "const": "Ingress"
              }
            }
          },
          "then": {
            "required": [
              "metadata"
            ],
            "properties": {
              "apiVersion": {
                "const": "networking.k8s.io/v1"
              },
              "metadata": {
                "required": [
                  "name"
                ]
              }
            }
          }
        },
        {
          "if": {
            "required": [
              "kind"
            ],
            "properties": {
              "kind": {
                "const": "IngressClass"
              }
            }
          },
          "then": {
            "required": [
              "metadata"
            ],
            "properties": {
              "apiVersion": {
                "const": "networking.k8s.io/v1"
              },
              "metadata": {
                "required": [
                  "name"
                ]
              }
            }
          }
        },
        {
          "if": {
            "required": [
              "kind"
            ],
            "properties": {
              "kind": {
                "const": "NetworkPolicy"
              }
            }
          },
          "then": {
            "required": [
              "metadata"
            ],
            "properties": {
              "apiVersion": {
                "const": "networking.k8s.io/v1"
              },
              "metadata": {
                "required": [
                  "name"
                ]
              }
            }
          }
        }
      ]
    },
    "manifestGlob": {
      "description": "A file glob, relative to the topology file's folder, of YAML files holding Kubernetes manifests (one or more documents each). * and ? match within one path segment, [abc], [a-z] and [!x] match one character, ** matches any number of folders. No absolute paths, no '~', no '..', and no links that lead outside the folder. A glob that matches no file is an error.",
      "type": "string",
      "pattern": "^(?!/)(?!~)(?!(.*/)?\\.\\.(/|$)).+$",
      "examples": [
        "k8s/shop/*.yaml",
        "manifests/**/*.yaml"
      ]
    },
    "kubernetes": {
      "description": "The Kubernetes objects of the cluster.",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "manifests": {
          "description": "Kubernetes manifests: file globs and inline objects, in any mix.",
          "type": [
            "array",
            "null"
          ],
          "items": {
            "description": "A file glob (string) or an inline Kubernetes object (mapping).",
            "anyOf": [
              {
                "$ref": "#/$defs/manifestGlob"
              },
              {
                "$ref": "#/$defs/kubernetesObject"
              }
            ]
          }
        },
        "observed": {
          "description": "The cluster's observed state (nodes, pod addresses and nodes, cluster IPs), as netsim import kubernetes writes it: a file relative to the topology's folder. Traces use these addresses where they fit the fabric; check reports where they do not. See Docs/import.md.",
          "$ref": "#/$defs/manifestGlob"
        }
      }
    },
    "endpoint": {
      "description": "A flow endpoint: pod:NS/NAME, deployment:NS/NAME, statefulset:NS/NAME, daemonset:NS/NAME, service:NS/NAME (or svc:), ingress:NS/NAME, loadbalancer:NS/NAME (or lb:; a LoadBalancer Service's NLB), node:NAME, nodegroup:NAME, ip:ADDRESS, external:NAME, internet, controlplane (the EKS control plane calling out; needs cluster.controlPlane) apiserver (the API server endpoint, private or public as cluster.controlPlane.endpoint says) or aws:SERVICE (an AWS service by its regional DNS name, resolved as a host in the source's VPC would: an interface endpoint with private DNS, else the public service). NS/ may be left out for the default namespace. The kind prefix is case-insensitive. Named objects must exist in the topology.",
      "type": "string",
      "pattern": "^(internet|controlplane|apiserver|([Pp][Oo][Dd]|[Dd][Ee][Pp][Ll][Oo][Yy][Mm][Ee][Nn][Tt]|[Ss][Tt][Aa][Tt][Ee][Ff][Uu][Ll][Ss][Ee][Tt]|[Dd][Aa][Ee][Mm][Oo][Nn][Ss][Ee][Tt]|[Ss][Ee][Rr][Vv][Ii][Cc][Ee]|[Ss][Vv][Cc]|[Ii][Nn][Gg][Rr][Ee][Ss][Ss]|[Ll][Oo][Aa][Dd][Bb][Aa][Ll][Aa][Nn][Cc][Ee][Rr]|[Ll][Bb]):[^/]+(/[^/]+)?|([Nn][Oo][Dd][Ee][Gg][Rr][Oo][Uu][Pp]|[Nn][Oo][Dd][Ee]|[Ee][Xx][Tt][Ee][Rr][Nn][Aa][Ll]):[^/]+|[Aa][Ww][Ss]:[^/:]+|[Ii][Pp]:((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}|[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*))$",
      "examples": [
        "deployment:shop/frontend",
        "service:shop/cart",
        "external:orders-db",
        "internet",
        "controlplane"
      ]
    },
    "expectation": {
      "description": "An intended flow and the verdict it must get; 'netsim check' fails when the simulation disagrees.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "from",
        "to",
        "verdict"
      ],
      "properties": {
        "name": {
          "description": "A label for reports. Omitted: FROM -> TO:PORT VERDICT.",
          "anyOf": [
            {
              "$ref": "#/$defs/text"
            },
            {
              "type": "null"
            }
          ]
        },
        "from": {
          "$ref": "#/$defs/endpoint",
          "description": "Where the flow starts."
        },
        "to": {
          "$ref": "#/$defs/endpoint",
          "description": "Where the flow is sent."
        },
        "port": {
          "description": "Destination port, 0-65535.",
          "anyOf": [
            {
              "type": "integer",
              "minimum": 0,
              "maximum": 65535
            },
            {
              "type": "string",
              "pattern": "^[+-]?[0-9]+$",
              "description": "The same whole number written in quotes; the loader reads it the same way."
            },
            {
              "type": "null"
            }
          ]
        },
        "protocol": {
          "description": "IP protocol of the flow.",
          "default": "tcp",
          "anyOf": [
            {
              "$ref": "#/$defs/protocol"
            },
            {
              "type": "null"
            }
          ]
        },
        "host": {
          "description": "For a flow to an ingress: the HTTP Host header the ALB's rules see. Omitted: the load balancer's DNS name.",
          "anyOf": [
            {
              "$ref": "#/$defs/text"
            },
            {
              "type": "null"
            }
          ]
        },
        "path": {
          "description": "For a flow to an ingress: the HTTP request path the ALB's rules see, starting with '/'. Omitted: /.",
          "anyOf": [
            {
              "type": "string",
              "pattern": "^/"
            },
            {
              "type": "null"
            }
          ]
        },
        "verdict": {
          "description": "delivered: the flow must arrive (or leave toward the internet, for an internet destination). denied: it must not arrive, whatever stops it.",
          "type": "string",
          "enum": [
            "delivered",
            "denied"
          ]
        }
      }
    }
  }
}
"""#
}
