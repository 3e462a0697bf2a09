/// The JSON Schema (draft 2020-12) of `netsim trace --format json` (schemaVersion 2), printed by
/// `netsim schema --trace`; Docs/trace.schema.json is the same text (a test compares them).
public enum TraceSchema {
    public static let json = #"""
{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://raw.githubusercontent.com/netsim/netsim/main/Docs/trace.schema.json",
  "title": "netsim trace (JSON, schemaVersion 2)",
  "description": "The output of `netsim trace --format json`: one trace, or with --all-paths one object whose `traces` holds a trace per path. Steps, places and block reasons are typed: each has a `kind` (camelCase, the name of the case it was written from) and that kind's fields, and no other; `text`, `label` and `message` carry the same thing in words. See Docs/trace.md.",
  "oneOf": [
    {
      "$ref": "#/$defs/trace"
    },
    {
      "$ref": "#/$defs/paths"
    }
  ],
  "$defs": {
    "ipAddress": {
      "description": "An IPv4 address, or an IPv6 address in RFC 5952 form.",
      "anyOf": [
        {
          "$ref": "#/$defs/ipv4"
        },
        {
          "type": "string",
          "pattern": "^[0-9a-f:]*:[0-9a-f:.]*$"
        }
      ]
    },
    "ipv4": {
      "type": "string",
      "pattern": "^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$"
    },
    "cidr": {
      "type": "string",
      "pattern": "^[0-9]{1,3}(\\.[0-9]{1,3}){3}/[0-9]{1,2}$"
    },
    "cidr6": {
      "type": "string",
      "description": "An IPv6 block in RFC 5952 form.",
      "pattern": "^[0-9a-f:]*:[0-9a-f:.]*/[0-9]{1,3}$"
    },
    "port": {
      "type": "integer",
      "minimum": 0,
      "maximum": 65535
    },
    "location": {
      "type": "object",
      "description": "Where the deciding rule, route or object is written in the topology or a manifest.",
      "additionalProperties": false,
      "required": [
        "file",
        "line",
        "column"
      ],
      "properties": {
        "file": {
          "type": "string"
        },
        "line": {
          "type": "integer",
          "minimum": 1
        },
        "column": {
          "type": "integer",
          "minimum": 1
        }
      }
    },
    "packet": {
      "type": "object",
      "description": "A packet's protocol, addresses and (TCP, UDP) ports.",
      "additionalProperties": false,
      "required": [
        "protocol",
        "source",
        "destination"
      ],
      "properties": {
        "protocol": {
          "type": "string",
          "description": "tcp, udp, icmp, or the IP protocol number"
        },
        "source": {
          "$ref": "#/$defs/ipAddress"
        },
        "destination": {
          "$ref": "#/$defs/ipAddress"
        },
        "sourcePort": {
          "$ref": "#/$defs/port"
        },
        "destinationPort": {
          "$ref": "#/$defs/port"
        }
      }
    },
    "disposition": {
      "enum": [
        "DELIVERED",
        "EXITS_NETWORK",
        "DENIED_IN",
        "DENIED_OUT",
        "NO_ROUTE",
        "NULL_ROUTED",
        "LOOP",
        "NO_ENDPOINTS",
        "REJECTED",
        "FIXED_RESPONSE",
        "NOT_MODELLED"
      ]
    },
    "action": {
      "enum": [
        "ORIGINATED",
        "PERMITTED",
        "DENIED",
        "FORWARDED",
        "TRANSFORMED",
        "MATCHED_SESSION",
        "DELIVERED",
        "EXITS_NETWORK",
        "NO_ROUTE",
        "NULL_ROUTED",
        "LOOP",
        "NOT_MODELLED"
      ],
      "description": "What the step did to the packet (Batfish's step actions plus netsim's)."
    },
    "flow": {
      "type": "object",
      "description": "The flow: the endpoints as written and resolved, the protocol, addresses and ports (or ICMP type and code).",
      "additionalProperties": false,
      "required": [
        "source",
        "destination",
        "protocol",
        "sourceAddress",
        "destinationAddress"
      ],
      "properties": {
        "source": {
          "type": "string"
        },
        "destination": {
          "type": "string"
        },
        "protocol": {
          "type": "string"
        },
        "sourceAddress": {
          "$ref": "#/$defs/ipAddress"
        },
        "destinationAddress": {
          "$ref": "#/$defs/ipAddress"
        },
        "sourcePort": {
          "$ref": "#/$defs/port"
        },
        "destinationPort": {
          "$ref": "#/$defs/port"
        },
        "icmpType": {
          "type": "integer",
          "minimum": 0,
          "maximum": 255
        },
        "icmpCode": {
          "type": "integer",
          "minimum": 0,
          "maximum": 255
        }
      }
    },
    "choice": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "target",
        "probability"
      ],
      "properties": {
        "target": {
          "type": "string"
        },
        "probability": {
          "type": "number",
          "minimum": 0,
          "maximum": 1
        }
      }
    },
    "health": {
      "type": "object",
      "description": "A target's health, found by tracing the load balancer's check to it.",
      "additionalProperties": false,
      "required": [
        "target",
        "zone",
        "healthy",
        "detail",
        "reason"
      ],
      "properties": {
        "target": {
          "type": "string"
        },
        "zone": {
          "type": "string"
        },
        "healthy": {
          "type": "boolean"
        },
        "detail": {
          "type": "string",
          "description": "Why, in words."
        },
        "reason": {
          "$ref": "#/$defs/healthReason"
        }
      }
    },
    "loadBalancer": {
      "type": "object",
      "description": "What a load balancer on the way did: listener, rule, target group, target, health checks.",
      "additionalProperties": false,
      "required": [
        "kind",
        "name",
        "arn",
        "dnsName",
        "scheme",
        "zone",
        "nodeAddress",
        "listener",
        "failOpen",
        "healthChecks"
      ],
      "properties": {
        "kind": {
          "enum": [
            "ALB",
            "NLB"
          ]
        },
        "name": {
          "type": "string"
        },
        "arn": {
          "type": "string"
        },
        "dnsName": {
          "type": "string"
        },
        "scheme": {
          "enum": [
            "internet-facing",
            "internal"
          ]
        },
        "zone": {
          "type": "string"
        },
        "nodeAddress": {
          "$ref": "#/$defs/ipAddress"
        },
        "listener": {
          "type": "string"
        },
        "rule": {
          "type": "string"
        },
        "targetGroup": {
          "type": "string"
        },
        "targetType": {
          "enum": [
            "instance",
            "ip"
          ]
        },
        "target": {
          "type": "string"
        },
        "crossZone": {
          "type": "boolean"
        },
        "preserveClientIP": {
          "type": "boolean"
        },
        "failOpen": {
          "type": "boolean"
        },
        "healthChecks": {
          "type": "array",
          "items": {
            "$ref": "#/$defs/health"
          }
        }
      }
    },
    "policyRule": {
      "type": "object",
      "description": "A policy rule that decided a NetworkPolicy verdict: a NetworkPolicy (namespace/name) and its rule index, or a ClusterNetworkPolicy with its tier and action.",
      "additionalProperties": false,
      "required": [
        "policy"
      ],
      "properties": {
        "policy": {
          "type": "string"
        },
        "tier": {
          "enum": [
            "Admin",
            "Baseline"
          ]
        },
        "action": {
          "enum": [
            "Accept",
            "Deny",
            "Pass"
          ]
        },
        "rule": {
          "type": "integer",
          "minimum": 0
        },
        "location": {
          "$ref": "#/$defs/location"
        }
      }
    },
    "networkPolicyOutcome": {
      "type": "object",
      "description": "The flow's NetworkPolicy decisions: the declared enforcer's verdict, the VPC CNI agent's and the Kubernetes spec's, and every decision of both.",
      "additionalProperties": false,
      "required": [
        "enforcer",
        "allowed",
        "agentAllows",
        "specAllows",
        "agree",
        "decisions"
      ],
      "properties": {
        "enforcer": {
          "enum": [
            "vpc-cni",
            "upstream"
          ]
        },
        "allowed": {
          "type": "boolean"
        },
        "agentAllows": {
          "type": "boolean"
        },
        "specAllows": {
          "type": "boolean"
        },
        "agree": {
          "type": "boolean"
        },
        "atStart": {
          "enum": [
            "source",
            "destination",
            "both"
          ]
        },
        "decisions": {
          "type": "array",
          "items": {
            "type": "object"
          }
        }
      }
    },
    "caveat": {
      "type": "object",
      "description": "Something the verdict may depend on that netsim does not model.",
      "additionalProperties": false,
      "required": [
        "kind",
        "affectsVerdict",
        "message"
      ],
      "properties": {
        "kind": {
          "enum": [
            "NETWORK_POLICY",
            "NETWORK_POLICY_NOT_ENFORCED",
            "CONTROL_PLANE_NOT_MODELLED",
            "NETWORK_POLICY_STRICT_MODE",
            "CLUSTER_NETWORK_POLICY",
            "APPLICATION_NETWORK_POLICY",
            "TRANSIT_GATEWAY_ZONE",
            "EXTERNAL_TARGET_GROUP",
            "IPV6_NOT_MODELLED",
            "LOAD_BALANCER_IPV6_NOT_MODELLED",
            "ENDPOINT_POLICY_NOT_EVALUATED",
            "OBSERVED_NOT_PLACED"
          ]
        },
        "side": {
          "enum": [
            "source",
            "destination"
          ]
        },
        "policyType": {
          "enum": [
            "Ingress",
            "Egress"
          ]
        },
        "policies": {
          "type": "array",
          "items": {
            "type": "string"
          }
        },
        "pod": {
          "type": "string"
        },
        "affectsVerdict": {
          "type": "boolean"
        },
        "message": {
          "type": "string"
        },
        "location": {
          "$ref": "#/$defs/location"
        }
      }
    },
    "path": {
      "type": "object",
      "description": "One direction of the flow: how it ended, its hops, the packet as it arrived.",
      "additionalProperties": false,
      "required": [
        "disposition",
        "hops",
        "finalPacket"
      ],
      "properties": {
        "disposition": {
          "$ref": "#/$defs/disposition"
        },
        "hops": {
          "type": "array",
          "items": {
            "$ref": "#/$defs/hop"
          }
        },
        "finalPacket": {
          "$ref": "#/$defs/packet"
        }
      }
    },
    "hop": {
      "type": "object",
      "description": "A place on the path (typed) with its rendered label, and what happened there.",
      "additionalProperties": false,
      "required": [
        "place",
        "label",
        "steps"
      ],
      "properties": {
        "place": {
          "$ref": "#/$defs/place"
        },
        "label": {
          "type": "string"
        },
        "steps": {
          "type": "array",
          "items": {
            "$ref": "#/$defs/step"
          }
        }
      }
    },
    "trace": {
      "type": "object",
      "description": "One traced flow.",
      "additionalProperties": false,
      "required": [
        "schemaVersion",
        "tool",
        "version",
        "flow",
        "disposition",
        "hops",
        "forwardDisposition",
        "finalPacket",
        "explanations",
        "notes",
        "choices",
        "caveats"
      ],
      "properties": {
        "schemaVersion": {
          "const": 2
        },
        "tool": {
          "const": "netsim"
        },
        "version": {
          "type": "string"
        },
        "flow": {
          "$ref": "#/$defs/flow"
        },
        "disposition": {
          "$ref": "#/$defs/disposition"
        },
        "hops": {
          "type": "array",
          "items": {
            "$ref": "#/$defs/hop"
          }
        },
        "forwardDisposition": {
          "$ref": "#/$defs/disposition"
        },
        "finalPacket": {
          "$ref": "#/$defs/packet"
        },
        "reply": {
          "$ref": "#/$defs/path"
        },
        "explanations": {
          "type": "array",
          "items": {
            "$ref": "#/$defs/explanation"
          }
        },
        "notes": {
          "type": "array",
          "items": {
            "type": "string"
          }
        },
        "choices": {
          "type": "array",
          "items": {
            "$ref": "#/$defs/choice"
          }
        },
        "path": {
          "type": "integer",
          "minimum": 0
        },
        "choiceBy": {
          "type": "string"
        },
        "loadBalancer": {
          "$ref": "#/$defs/loadBalancer"
        },
        "networkPolicy": {
          "$ref": "#/$defs/networkPolicyOutcome"
        },
        "sourceIpAtTarget": {
          "$ref": "#/$defs/ipAddress"
        },
        "sourceIpNote": {
          "type": "string"
        },
        "caveats": {
          "type": "array",
          "items": {
            "$ref": "#/$defs/caveat"
          }
        }
      }
    },
    "paths": {
      "type": "object",
      "description": "--all-paths: every path of the flow, one trace each.",
      "additionalProperties": false,
      "required": [
        "schemaVersion",
        "tool",
        "version",
        "traces"
      ],
      "properties": {
        "schemaVersion": {
          "const": 2
        },
        "tool": {
          "const": "netsim"
        },
        "version": {
          "type": "string"
        },
        "traces": {
          "type": "array",
          "items": {
            "$ref": "#/$defs/trace"
          }
        }
      }
    },
    "objectRef": {
      "type": "object",
      "description": "An AWS object by its ID and name.",
      "additionalProperties": false,
      "required": [
        "id",
        "name"
      ],
      "properties": {
        "id": {
          "type": "string"
        },
        "name": {
          "type": "string"
        }
      }
    },
    "addressPort": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "address",
        "port"
      ],
      "properties": {
        "address": {
          "$ref": "#/$defs/ipAddress"
        },
        "port": {
          "$ref": "#/$defs/port"
        }
      }
    },
    "portRange": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "from",
        "to"
      ],
      "properties": {
        "from": {
          "$ref": "#/$defs/port"
        },
        "to": {
          "$ref": "#/$defs/port"
        }
      }
    },
    "listener": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "protocol",
        "port"
      ],
      "properties": {
        "protocol": {
          "type": "string",
          "description": "HTTP, HTTPS (ALB); TCP, UDP, TCP_UDP (NLB)"
        },
        "port": {
          "$ref": "#/$defs/port"
        }
      }
    },
    "request": {
      "type": "object",
      "description": "The HTTP request an ALB routes: Host header and path.",
      "additionalProperties": false,
      "required": [
        "host",
        "path"
      ],
      "properties": {
        "host": {
          "type": "string"
        },
        "path": {
          "type": "string"
        }
      }
    },
    "ruleHit": {
      "type": "object",
      "description": "A netfilter rule the packet hit: table, chain, 1-based position in the chain, the rule as iptables-save prints it, and a statistic match's probability.",
      "additionalProperties": false,
      "required": [
        "table",
        "chain",
        "position",
        "rule"
      ],
      "properties": {
        "table": {
          "type": "string"
        },
        "chain": {
          "type": "string"
        },
        "position": {
          "type": "integer",
          "minimum": 1
        },
        "rule": {
          "type": "string"
        },
        "probability": {
          "type": "number",
          "minimum": 0,
          "maximum": 1
        }
      }
    },
    "response": {
      "description": "What an ALB answers itself: a fixed response (status, content type, body) or a redirect (status; `location`, the Location header resolved from the request as the ALB sends it; `locationTemplate`, the action as written with its #{...} keywords).",
      "oneOf": [
        {
          "type": "object",
          "additionalProperties": false,
          "required": [
            "status",
            "contentType",
            "body"
          ],
          "properties": {
            "status": {
              "type": "integer"
            },
            "contentType": {
              "type": "string"
            },
            "body": {
              "type": "string"
            }
          }
        },
        {
          "type": "object",
          "additionalProperties": false,
          "required": [
            "status",
            "location",
            "locationTemplate"
          ],
          "properties": {
            "status": {
              "type": "integer"
            },
            "location": {
              "type": "string",
              "description": "The Location header: the template with the request's protocol, host, port, path and query put in."
            },
            "locationTemplate": {
              "type": "string",
              "description": "The redirect action as written: protocol://host:port/path?query with its #{protocol}, #{host}, #{port}, #{path} and #{query} keywords."
            }
          }
        }
      ]
    },
    "securityGroupRule": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "protocol",
        "peer"
      ],
      "properties": {
        "protocol": {
          "type": "string"
        },
        "ports": {
          "$ref": "#/$defs/portRange"
        },
        "icmpType": {
          "type": "integer",
          "minimum": 0,
          "maximum": 255
        },
        "icmpCode": {
          "type": "integer",
          "minimum": 0,
          "maximum": 255
        },
        "peer": {
          "type": "object",
          "additionalProperties": false,
          "required": [
            "kind"
          ],
          "properties": {
            "kind": {
              "enum": [
                "cidr",
                "ipv6Cidr",
                "prefixList",
                "securityGroup"
              ]
            },
            "cidr": {
              "type": "string"
            },
            "name": {
              "type": "string"
            }
          }
        },
        "description": {
          "type": "string"
        }
      }
    },
    "networkAclRule": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "number",
        "action",
        "protocol",
        "cidr"
      ],
      "properties": {
        "number": {
          "type": "integer",
          "minimum": 1,
          "maximum": 32766
        },
        "action": {
          "enum": [
            "allow",
            "deny"
          ]
        },
        "protocol": {
          "type": "string"
        },
        "cidr": {
          "type": "string"
        },
        "ports": {
          "$ref": "#/$defs/portRange"
        },
        "icmpType": {
          "type": "integer",
          "minimum": 0,
          "maximum": 255
        },
        "icmpCode": {
          "type": "integer",
          "minimum": 0,
          "maximum": 255
        }
      }
    },
    "routeTarget": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind"
      ],
      "properties": {
        "kind": {
          "enum": [
            "local",
            "blackhole",
            "internetGateway",
            "egressOnlyInternetGateway",
            "natGateway",
            "peeringConnection",
            "transitGateway",
            "gatewayEndpoint",
            "networkInterface",
            "vpnGateway"
          ]
        },
        "name": {
          "type": "string"
        }
      }
    },
    "stepOriginate": {
      "type": "object",
      "description": "The flow (or its reply) starts here; `packet` is the packet sent.",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "reply",
        "packet"
      ],
      "properties": {
        "kind": {
          "const": "originate"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "reply": {
          "type": "boolean"
        }
      }
    },
    "stepControlPlaneNotModelled": {
      "type": "object",
      "description": "The flow reaches the EKS control plane (the API server's Service at `address`), which the topology does not model: no verdict.",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "address",
        "serviceDeclared"
      ],
      "properties": {
        "kind": {
          "const": "controlPlaneNotModelled"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "address": {
          "$ref": "#/$defs/ipAddress"
        },
        "serviceDeclared": {
          "type": "boolean"
        }
      }
    },
    "stepApiServerEndpoint": {
      "type": "object",
      "description": "The EKS API server's public endpoint judges the client's address (as it sees it) against the cluster's endpoint access: publicAccess and publicAccessCidrs.",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "endpoint",
        "source",
        "publicAccess",
        "privateAccess",
        "publicAccessCidrs",
        "allowed"
      ],
      "properties": {
        "kind": {
          "const": "apiServerEndpoint"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "endpoint": {
          "$ref": "#/$defs/ipAddress",
          "description": "The public endpoint's address (netsim's stand-in for what its DNS name returns)."
        },
        "source": {
          "$ref": "#/$defs/ipAddress",
          "description": "The client's address as the endpoint sees it (after any NAT)."
        },
        "publicAccess": {
          "type": "boolean"
        },
        "privateAccess": {
          "type": "boolean"
        },
        "publicAccessCidrs": {
          "type": "array",
          "items": {
            "type": "string"
          }
        },
        "matched": {
          "type": "string",
          "description": "The publicAccessCidrs block that contains the source; absent when none does."
        },
        "allowed": {
          "type": "boolean"
        }
      }
    },
    "stepExternalTargetGroup": {
      "type": "object",
      "description": "An ALB rule forwards to a target group outside the cluster (an ARN or name in its actions annotation), whose targets netsim does not model: no verdict.",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "loadBalancer",
        "targetGroup"
      ],
      "properties": {
        "kind": {
          "const": "externalTargetGroup"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "loadBalancer": {
          "type": "string"
        },
        "targetGroup": {
          "type": "string"
        }
      }
    },
    "stepIpv6NotModelled": {
      "type": "object",
      "description": "The packet is IPv6 and reaches a node's datapath (walked for IPv4 only), or it mixes the families: no verdict.",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "source",
        "destination"
      ],
      "properties": {
        "kind": {
          "const": "ipv6NotModelled"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "source": {
          "$ref": "#/$defs/ipAddress"
        },
        "destination": {
          "$ref": "#/$defs/ipAddress"
        }
      }
    },
    "stepDelivered": {
      "type": "object",
      "description": "Delivered to an interface, a pod (`pod` absent when the address is no pod's) or a node; `blockedEarlier`: only past the blocks above.",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "to",
        "blockedEarlier"
      ],
      "properties": {
        "kind": {
          "const": "delivered"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "to": {
          "enum": [
            "interface",
            "pod",
            "node"
          ]
        },
        "blockedEarlier": {
          "type": "boolean"
        },
        "interface": {
          "type": "string"
        },
        "pod": {
          "type": "string"
        },
        "node": {
          "type": "string"
        },
        "address": {
          "$ref": "#/$defs/ipAddress"
        }
      }
    },
    "stepDeliveredToOpener": {
      "type": "object",
      "description": "A reply reached the interface that opened the connection (a NAT gateway, a load balancer node).",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "interface"
      ],
      "properties": {
        "kind": {
          "const": "deliveredToOpener"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "interface": {
          "type": "string"
        }
      }
    },
    "stepExitsNetwork": {
      "type": "object",
      "description": "The flow leaves the modelled network: toward an internet address, an external network, or an AWS service through a gateway endpoint.",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "toward"
      ],
      "properties": {
        "kind": {
          "const": "exitsNetwork"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "toward": {
          "enum": [
            "internet",
            "external",
            "gatewayEndpoint"
          ]
        },
        "address": {
          "$ref": "#/$defs/ipAddress"
        },
        "network": {
          "type": "string"
        },
        "service": {
          "type": "string"
        }
      }
    },
    "stepNoRoute": {
      "type": "object",
      "description": "Routing found no way on; `reason` says why.",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "reason"
      ],
      "properties": {
        "kind": {
          "const": "noRoute"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "reason": {
          "enum": [
            "noKubeProxy",
            "routeTable",
            "egressOnlyIPv6",
            "noInterfaceHas",
            "noInternetGateway",
            "privateFromInternet",
            "outsideModelledNetworks",
            "outsidePeerVPC",
            "noAttachmentSubnet",
            "transitGatewayNoRoute",
            "noAttachmentForVPC",
            "noSubnetOnward",
            "noDatapath",
            "nodeNoRoute",
            "noKubeProxyRule",
            "clusterIPServicePortsOnly",
            "noENIOnNode"
          ]
        },
        "routeTable": {
          "$ref": "#/$defs/objectRef"
        },
        "destination": {
          "$ref": "#/$defs/ipAddress"
        },
        "zone": {
          "type": "string"
        },
        "vpc": {
          "type": "string"
        },
        "service": {
          "$ref": "#/$defs/addressPort"
        },
        "protocol": {
          "type": "string"
        },
        "device": {
          "type": "string"
        }
      }
    },
    "stepNullRouted": {
      "type": "object",
      "description": "A blackhole route (a VPC route table's, or a transit gateway's for `destinationCidr`).",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "reason"
      ],
      "properties": {
        "kind": {
          "const": "nullRouted"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "reason": {
          "enum": [
            "blackholeRoute",
            "transitGatewayBlackhole"
          ]
        },
        "destinationCidr": {
          "anyOf": [
            {
              "$ref": "#/$defs/cidr"
            },
            {
              "$ref": "#/$defs/cidr6"
            }
          ]
        }
      }
    },
    "stepLoop": {
      "type": "object",
      "description": "A routing loop.",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "reason"
      ],
      "properties": {
        "kind": {
          "const": "loop"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "reason": {
          "enum": [
            "tooManyDecisions",
            "revisitedSubnet",
            "revisitedTransitGateway"
          ]
        }
      }
    },
    "stepFilter": {
      "type": "object",
      "description": "A gateway, a load balancer or kube-proxy's filter rules drop the packet; `reason` says why.",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "reason"
      ],
      "properties": {
        "kind": {
          "const": "filter"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "reason": {
          "enum": [
            "privateDestination",
            "noPublicAddress",
            "privateSourceFromInternet",
            "natNoSessionForReply",
            "natProtocolNotSupported",
            "natSourceOutsideVPC",
            "natUnsolicitedInbound",
            "endpointProtocolNotAccepted",
            "loadBalancerNoConnectionForReply",
            "netfilter",
            "egressOnlyInbound",
            "applianceNoSessionForReply"
          ]
        },
        "source": {
          "$ref": "#/$defs/ipAddress"
        },
        "protocol": {
          "type": "string"
        },
        "reject": {
          "type": "boolean"
        }
      }
    },
    "stepSourceDestCheck": {
      "type": "object",
      "description": "EC2's source/destination check drops a packet the interface does not own.",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "interface",
        "source"
      ],
      "properties": {
        "kind": {
          "const": "sourceDestCheck"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "interface": {
          "type": "string"
        },
        "source": {
          "$ref": "#/$defs/ipAddress"
        }
      }
    },
    "stepTrackedConnection": {
      "type": "object",
      "description": "Security groups pass a reply of a tracked connection.",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "direction",
        "atAppliance"
      ],
      "properties": {
        "kind": {
          "const": "trackedConnection"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "direction": {
          "enum": [
            "ingress",
            "egress"
          ]
        },
        "atAppliance": {
          "type": "boolean"
        }
      }
    },
    "stepSecurityGroupAllows": {
      "type": "object",
      "description": "The security-group rule that allows the packet (`ruleNumber`: its 1-based position in that direction's rules).",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "direction",
        "securityGroup",
        "ruleNumber",
        "rule"
      ],
      "properties": {
        "kind": {
          "const": "securityGroupAllows"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "direction": {
          "enum": [
            "ingress",
            "egress"
          ]
        },
        "securityGroup": {
          "$ref": "#/$defs/objectRef"
        },
        "ruleNumber": {
          "type": "integer",
          "minimum": 1
        },
        "rule": {
          "$ref": "#/$defs/securityGroupRule"
        }
      }
    },
    "stepSecurityGroupDenies": {
      "type": "object",
      "description": "No rule of the interface's security groups allows `deniedPacket`.",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "direction",
        "securityGroups",
        "deniedPacket"
      ],
      "properties": {
        "kind": {
          "const": "securityGroupDenies"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "direction": {
          "enum": [
            "ingress",
            "egress"
          ]
        },
        "securityGroups": {
          "type": "array",
          "items": {
            "$ref": "#/$defs/objectRef"
          }
        },
        "deniedPacket": {
          "$ref": "#/$defs/packet"
        }
      }
    },
    "stepNetworkACL": {
      "type": "object",
      "description": "The network-ACL rule that decided; without `rule`, the final `*` rule (32767, deny all).",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "direction",
        "networkAcl",
        "allowed"
      ],
      "properties": {
        "kind": {
          "const": "networkACL"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "direction": {
          "enum": [
            "inbound",
            "outbound"
          ]
        },
        "networkAcl": {
          "$ref": "#/$defs/objectRef"
        },
        "allowed": {
          "type": "boolean"
        },
        "rule": {
          "$ref": "#/$defs/networkAclRule"
        }
      }
    },
    "stepNetworkACLReplyPorts": {
      "type": "object",
      "description": "A network ACL lets this reply through but denies `deniedPorts` of the `portRange` its port is picked from.",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "direction",
        "networkAcl",
        "deniedPorts",
        "portRange"
      ],
      "properties": {
        "kind": {
          "const": "networkACLReplyPorts"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "direction": {
          "enum": [
            "inbound",
            "outbound"
          ]
        },
        "networkAcl": {
          "$ref": "#/$defs/objectRef"
        },
        "deniedPorts": {
          "type": "array",
          "items": {
            "$ref": "#/$defs/portRange"
          }
        },
        "portRange": {
          "$ref": "#/$defs/portRange"
        }
      }
    },
    "stepSameSubnet": {
      "type": "object",
      "description": "The destination is in the same subnet: delivered directly.",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "destination"
      ],
      "properties": {
        "kind": {
          "const": "sameSubnet"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "destination": {
          "$ref": "#/$defs/ipAddress"
        }
      }
    },
    "stepRoute": {
      "type": "object",
      "description": "The route a route table took: `route` as written (a CIDR or pl:NAME), the CIDR it matched, its target and origin.",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "routeTable",
        "route",
        "destinationCidr",
        "target",
        "origin"
      ],
      "properties": {
        "kind": {
          "const": "route"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "routeTable": {
          "$ref": "#/$defs/objectRef"
        },
        "route": {
          "type": "string"
        },
        "destinationCidr": {
          "anyOf": [
            {
              "$ref": "#/$defs/cidr"
            },
            {
              "$ref": "#/$defs/cidr6"
            }
          ],
          "description": "The route's block: IPv4 for an IPv4 packet, IPv6 for an IPv6 one."
        },
        "target": {
          "$ref": "#/$defs/routeTarget"
        },
        "origin": {
          "enum": [
            "local",
            "table",
            "endpoint",
            "propagated"
          ]
        }
      }
    },
    "stepApplianceForwards": {
      "type": "object",
      "description": "An appliance (source/destination check off) forwards the packet.",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "interface"
      ],
      "properties": {
        "kind": {
          "const": "applianceForwards"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "interface": {
          "type": "string"
        }
      }
    },
    "stepInternetGatewaySourceNAT": {
      "type": "object",
      "description": "The internet gateway's 1:1 NAT of the source to its public address.",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "before",
        "after"
      ],
      "properties": {
        "kind": {
          "const": "internetGatewaySourceNAT"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "before": {
          "$ref": "#/$defs/packet"
        },
        "after": {
          "$ref": "#/$defs/packet"
        }
      }
    },
    "stepInternetGatewayDestinationNAT": {
      "type": "object",
      "description": "The internet gateway's 1:1 NAT of the destination to its private address.",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "before",
        "after"
      ],
      "properties": {
        "kind": {
          "const": "internetGatewayDestinationNAT"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "before": {
          "$ref": "#/$defs/packet"
        },
        "after": {
          "$ref": "#/$defs/packet"
        }
      }
    },
    "stepNatGatewaySourceNAT": {
      "type": "object",
      "description": "A NAT gateway's source NAT.",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "before",
        "after"
      ],
      "properties": {
        "kind": {
          "const": "natGatewaySourceNAT"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "before": {
          "$ref": "#/$defs/packet"
        },
        "after": {
          "$ref": "#/$defs/packet"
        }
      }
    },
    "stepNatGatewaySession": {
      "type": "object",
      "description": "A reply matching a NAT gateway's session, translated back.",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "before",
        "after"
      ],
      "properties": {
        "kind": {
          "const": "natGatewaySession"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "before": {
          "$ref": "#/$defs/packet"
        },
        "after": {
          "$ref": "#/$defs/packet"
        }
      }
    },
    "stepPeering": {
      "type": "object",
      "description": "A peering connection carries the packet into `vpc`.",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "vpc"
      ],
      "properties": {
        "kind": {
          "const": "peering"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "vpc": {
          "type": "string"
        }
      }
    },
    "stepTransitGatewayRoute": {
      "type": "object",
      "description": "A transit gateway route: to a VPC attachment (`vpc`) or an external network (`network`).",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "destinationCidr"
      ],
      "properties": {
        "kind": {
          "const": "transitGatewayRoute"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "destinationCidr": {
          "$ref": "#/$defs/cidr"
        },
        "vpc": {
          "type": "string"
        },
        "network": {
          "type": "string"
        }
      }
    },
    "stepTransitGatewayEntry": {
      "type": "object",
      "description": "The subnet a transit gateway enters a VPC through (AZ affinity) and why.",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "vpc",
        "subnet",
        "zone",
        "named",
        "sameZone",
        "alternative"
      ],
      "properties": {
        "kind": {
          "const": "transitGatewayEntry"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "vpc": {
          "type": "string"
        },
        "subnet": {
          "type": "string"
        },
        "zone": {
          "type": "string"
        },
        "named": {
          "type": "boolean"
        },
        "sameZone": {
          "type": "boolean"
        },
        "alternative": {
          "type": "boolean"
        },
        "senderZone": {
          "type": "string"
        },
        "applianceMode": {
          "type": "boolean",
          "description": "Present (true) when the attachment is in appliance mode: the zone is the flow's, both ways."
        }
      }
    },
    "stepTransitGatewayTableRoute": {
      "type": "object",
      "description": "A route of a transit gateway route table (the route-table form): the table the entry attachment is associated with, the route that matched (static, from a prefix list, or propagated) and the attachment it leads to (none: a blackhole).",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "transitGateway",
        "routeTable",
        "entryAttachment",
        "destinationCidr",
        "type",
        "blackhole",
        "overrides"
      ],
      "properties": {
        "kind": {
          "const": "transitGatewayTableRoute"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "transitGateway": {
          "type": "string"
        },
        "routeTable": {
          "$ref": "#/$defs/objectRef"
        },
        "entryAttachment": {
          "type": "string",
          "description": "The attachment the packet entered by; its association chose the table."
        },
        "destinationCidr": {
          "anyOf": [
            {
              "$ref": "#/$defs/cidr"
            },
            {
              "$ref": "#/$defs/cidr6"
            }
          ]
        },
        "attachment": {
          "$ref": "#/$defs/objectRef"
        },
        "attachmentType": {
          "enum": [
            "vpc",
            "vpn",
            "direct-connect-gateway",
            "peering"
          ]
        },
        "resource": {
          "type": "string",
          "description": "The VPC, external network or peer transit gateway of the attachment."
        },
        "type": {
          "enum": [
            "static",
            "propagated"
          ]
        },
        "blackhole": {
          "type": "boolean"
        },
        "prefixList": {
          "type": "string"
        },
        "overrides": {
          "type": "integer",
          "minimum": 0,
          "description": "How many other routes for the same destination this one wins over (route priority)."
        }
      }
    },
    "stepConntrack": {
      "type": "object",
      "description": "conntrack on a node: an ESTABLISHED reply; with `natUndone`, the node's translations undone (`before`, `after`).",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "natUndone"
      ],
      "properties": {
        "kind": {
          "const": "conntrack"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "natUndone": {
          "type": "boolean"
        },
        "inside": {
          "$ref": "#/$defs/addressPort"
        },
        "originalDestination": {
          "$ref": "#/$defs/addressPort"
        },
        "before": {
          "$ref": "#/$defs/packet"
        },
        "after": {
          "$ref": "#/$defs/packet"
        }
      }
    },
    "stepNetfilterRule": {
      "type": "object",
      "description": "A netfilter rule the packet hit (`position`: 1-based in its chain).",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "table",
        "chain",
        "position",
        "rule"
      ],
      "properties": {
        "kind": {
          "const": "netfilterRule"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "table": {
          "type": "string"
        },
        "chain": {
          "type": "string"
        },
        "position": {
          "type": "integer",
          "minimum": 1
        },
        "rule": {
          "type": "string"
        },
        "probability": {
          "type": "number",
          "minimum": 0,
          "maximum": 1
        }
      }
    },
    "stepKubeProxyDNAT": {
      "type": "object",
      "description": "kube-proxy's DNAT of a Service address to an endpoint: the rules hit, the destination before and after, the random pick.",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "table",
        "baseChain",
        "rules",
        "before",
        "after"
      ],
      "properties": {
        "kind": {
          "const": "kubeProxyDNAT"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "table": {
          "type": "string"
        },
        "baseChain": {
          "type": "string"
        },
        "rules": {
          "type": "array",
          "items": {
            "$ref": "#/$defs/ruleHit"
          }
        },
        "before": {
          "$ref": "#/$defs/addressPort"
        },
        "after": {
          "$ref": "#/$defs/addressPort"
        },
        "pick": {
          "type": "object",
          "additionalProperties": false,
          "required": [
            "number",
            "count",
            "probability"
          ],
          "properties": {
            "number": {
              "type": "integer",
              "minimum": 1
            },
            "count": {
              "type": "integer",
              "minimum": 1
            },
            "probability": {
              "type": "number",
              "minimum": 0,
              "maximum": 1
            }
          }
        }
      }
    },
    "stepNodeRoute": {
      "type": "object",
      "description": "The node's policy routing: the `ip rule` that matched, the table, the route and device.",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "ipRule",
        "table",
        "route",
        "device"
      ],
      "properties": {
        "kind": {
          "const": "nodeRoute"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "ipRule": {
          "type": "string"
        },
        "table": {
          "type": "integer",
          "minimum": 0
        },
        "route": {
          "type": "string"
        },
        "device": {
          "type": "string"
        },
        "via": {
          "$ref": "#/$defs/ipAddress"
        }
      }
    },
    "stepNodeSourceNAT": {
      "type": "object",
      "description": "A node's source NAT in nat POSTROUTING: kube-proxy's masquerade or the VPC CNI's SNAT.",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "rules",
        "masquerade",
        "before",
        "after",
        "device",
        "deviceIsVeth"
      ],
      "properties": {
        "kind": {
          "const": "nodeSourceNAT"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "rules": {
          "type": "array",
          "items": {
            "$ref": "#/$defs/ruleHit"
          }
        },
        "masquerade": {
          "type": "boolean"
        },
        "before": {
          "$ref": "#/$defs/addressPort"
        },
        "after": {
          "$ref": "#/$defs/addressPort"
        },
        "device": {
          "type": "string"
        },
        "deviceIsVeth": {
          "type": "boolean"
        }
      }
    },
    "stepNoListener": {
      "type": "object",
      "description": "The load balancer has no listener for `deniedPacket`.",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "deniedPacket"
      ],
      "properties": {
        "kind": {
          "const": "noListener"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "deniedPacket": {
          "$ref": "#/$defs/packet"
        }
      }
    },
    "stepListenerDefault": {
      "type": "object",
      "description": "An NLB listener's default action.",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "listener"
      ],
      "properties": {
        "kind": {
          "const": "listenerDefault"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "listener": {
          "$ref": "#/$defs/listener"
        }
      }
    },
    "stepListenerRule": {
      "type": "object",
      "description": "The ALB listener rule the request matched (`ruleNumber` of `ruleCount`, in priority order).",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "listener",
        "request",
        "ruleNumber",
        "ruleCount",
        "rule"
      ],
      "properties": {
        "kind": {
          "const": "listenerRule"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "listener": {
          "$ref": "#/$defs/listener"
        },
        "request": {
          "$ref": "#/$defs/request"
        },
        "ruleNumber": {
          "type": "integer",
          "minimum": 1
        },
        "ruleCount": {
          "type": "integer",
          "minimum": 0
        },
        "rule": {
          "type": "object",
          "additionalProperties": false,
          "required": [
            "priority",
            "hosts",
            "paths",
            "origin"
          ],
          "properties": {
            "priority": {
              "type": "integer"
            },
            "hosts": {
              "type": "array",
              "items": {
                "type": "string"
              }
            },
            "paths": {
              "type": "array",
              "items": {
                "type": "string"
              }
            },
            "origin": {
              "type": "string"
            }
          }
        }
      }
    },
    "stepNoMatchingListenerRule": {
      "type": "object",
      "description": "No rule of the ALB listener matches the request: its default action applies.",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "listener",
        "request",
        "ruleCount"
      ],
      "properties": {
        "kind": {
          "const": "noMatchingListenerRule"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "listener": {
          "$ref": "#/$defs/listener"
        },
        "request": {
          "$ref": "#/$defs/request"
        },
        "ruleCount": {
          "type": "integer",
          "minimum": 0
        }
      }
    },
    "stepFixedResponse": {
      "type": "object",
      "description": "The ALB answers itself with a fixed response.",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "loadBalancer",
        "response"
      ],
      "properties": {
        "kind": {
          "const": "fixedResponse"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "loadBalancer": {
          "type": "string"
        },
        "response": {
          "$ref": "#/$defs/response"
        }
      }
    },
    "stepRedirect": {
      "type": "object",
      "description": "The ALB answers itself with a redirect.",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "loadBalancer",
        "response"
      ],
      "properties": {
        "kind": {
          "const": "redirect"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "loadBalancer": {
          "type": "string"
        },
        "response": {
          "$ref": "#/$defs/response"
        }
      }
    },
    "stepNoTarget": {
      "type": "object",
      "description": "The target group has no target to send to.",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "targetGroup",
        "reason"
      ],
      "properties": {
        "kind": {
          "const": "noTarget"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "targetGroup": {
          "type": "string"
        },
        "reason": {
          "enum": [
            "noTargets",
            "noTargetInLoadBalancerZones",
            "noTargetInZone",
            "noHealthyTargetInZone"
          ]
        },
        "zone": {
          "type": "string"
        }
      }
    },
    "stepTargetGroup": {
      "type": "object",
      "description": "The target a target group picked, with its health (`healthy` of the group's targets) and the node's `zone`.",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "targetGroup",
        "healthy",
        "zone",
        "eligible",
        "target"
      ],
      "properties": {
        "kind": {
          "const": "targetGroup"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "targetGroup": {
          "type": "object",
          "additionalProperties": false,
          "required": [
            "name",
            "arn",
            "protocol",
            "targetType",
            "service",
            "servicePort",
            "crossZone",
            "healthCheck",
            "targets"
          ],
          "properties": {
            "name": {
              "type": "string"
            },
            "arn": {
              "type": "string"
            },
            "protocol": {
              "type": "string"
            },
            "targetType": {
              "enum": [
                "instance",
                "ip"
              ]
            },
            "service": {
              "type": "string"
            },
            "servicePort": {
              "type": "string"
            },
            "crossZone": {
              "type": "boolean"
            },
            "healthCheck": {
              "type": "string"
            },
            "targets": {
              "type": "integer",
              "minimum": 0
            }
          }
        },
        "healthy": {
          "type": "integer",
          "minimum": 0
        },
        "zone": {
          "type": "string"
        },
        "eligible": {
          "type": "integer",
          "minimum": 1
        },
        "target": {
          "type": "object",
          "additionalProperties": false,
          "required": [
            "address",
            "port",
            "zone",
            "label"
          ],
          "properties": {
            "address": {
              "$ref": "#/$defs/ipAddress"
            },
            "port": {
              "$ref": "#/$defs/port"
            },
            "zone": {
              "type": "string"
            },
            "node": {
              "type": "string"
            },
            "pod": {
              "type": "string"
            },
            "label": {
              "type": "string"
            }
          }
        }
      }
    },
    "stepLoadBalancerForward": {
      "type": "object",
      "description": "A load balancer passes the connection to its target: an ALB's new connection, an NLB's translation.",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "loadBalancerKind",
        "before",
        "after",
        "preserveClientIP",
        "proxyProtocolV2"
      ],
      "properties": {
        "kind": {
          "const": "loadBalancerForward"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "loadBalancerKind": {
          "enum": [
            "ALB",
            "NLB"
          ]
        },
        "before": {
          "$ref": "#/$defs/packet"
        },
        "after": {
          "$ref": "#/$defs/packet"
        },
        "preserveClientIP": {
          "type": "boolean"
        },
        "proxyProtocolV2": {
          "type": "boolean"
        }
      }
    },
    "stepLoadBalancerReturn": {
      "type": "object",
      "description": "The reply through the load balancer, back on the client's connection.",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "loadBalancerKind",
        "before",
        "after",
        "preserveClientIP",
        "proxyProtocolV2"
      ],
      "properties": {
        "kind": {
          "const": "loadBalancerReturn"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "loadBalancerKind": {
          "enum": [
            "ALB",
            "NLB"
          ]
        },
        "before": {
          "$ref": "#/$defs/packet"
        },
        "after": {
          "$ref": "#/$defs/packet"
        },
        "preserveClientIP": {
          "type": "boolean"
        },
        "proxyProtocolV2": {
          "type": "boolean"
        }
      }
    },
    "stepLoadBalancerFlowReturn": {
      "type": "object",
      "description": "The VPC returns an NLB target's reply to the NLB node by the flow.",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "loadBalancer",
        "client",
        "node"
      ],
      "properties": {
        "kind": {
          "const": "loadBalancerFlowReturn"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "loadBalancer": {
          "type": "string"
        },
        "client": {
          "$ref": "#/$defs/ipAddress"
        },
        "node": {
          "$ref": "#/$defs/ipAddress"
        }
      }
    },
    "stepIpv6Gateway": {
      "type": "object",
      "description": "An IPv6 packet through an internet gateway or (`egressOnly`) an egress-only internet gateway, out or `inbound`, without translation (IPv6 addresses are public); `session`: the reply of a connection the gateway saw go out.",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "egressOnly",
        "inbound",
        "session"
      ],
      "properties": {
        "kind": {
          "const": "ipv6Gateway"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "egressOnly": {
          "type": "boolean"
        },
        "inbound": {
          "type": "boolean"
        },
        "session": {
          "type": "boolean"
        }
      }
    },
    "stepLoadBalancerIPv6NotModelled": {
      "type": "object",
      "description": "A dualstack load balancer's IPv6 side netsim does not model (IPv6 instance targets, UDP over IPv6 through an NLB, IPv6 from outside the VPC to an internal load balancer): no verdict.",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "loadBalancer",
        "targetGroup",
        "gap"
      ],
      "properties": {
        "kind": {
          "const": "loadBalancerIPv6NotModelled"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "loadBalancer": {
          "type": "string"
        },
        "targetGroup": {
          "type": "string",
          "description": "The target group, or - when the load balancer stopped the packet before choosing one."
        },
        "gap": {
          "enum": [
            "instance-targets",
            "udp",
            "internal-from-outside"
          ]
        }
      }
    },
    "stepNetworkPolicy": {
      "type": "object",
      "description": "A NetworkPolicy's decision at a pod's veth: the pod (`pod`: `namespace/name` when known), whether `evaluatedPacket` is `allowed`, the `policies` selecting the pod for that direction.",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "direction",
        "address",
        "allowed",
        "policies",
        "evaluatedPacket"
      ],
      "properties": {
        "kind": {
          "const": "networkPolicy"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "direction": {
          "enum": [
            "ingress",
            "egress"
          ]
        },
        "address": {
          "$ref": "#/$defs/ipAddress"
        },
        "allowed": {
          "type": "boolean"
        },
        "policies": {
          "type": "array",
          "items": {
            "type": "string"
          }
        },
        "evaluatedPacket": {
          "$ref": "#/$defs/packet"
        },
        "pod": {
          "type": "string"
        },
        "enforcer": {
          "enum": [
            "vpc-cni",
            "upstream"
          ]
        },
        "basis": {
          "enum": [
            "conntrackReply",
            "hostNetworkExempt",
            "notIsolated",
            "notIPv4",
            "adminTier",
            "baselineTier",
            "nodeIP",
            "entryAllows",
            "noEntryCoversPeer",
            "portNotInEntry",
            "exceptEntry",
            "defaultAllow",
            "defaultDeny",
            "ruleAllows",
            "noRuleAllows",
            "ownPod",
            "residentNode"
          ]
        },
        "peer": {
          "$ref": "#/$defs/ipAddress"
        },
        "rules": {
          "type": "array",
          "items": {
            "$ref": "#/$defs/policyRule"
          }
        },
        "cidr": {
          "type": "string"
        },
        "ports": {
          "type": "object",
          "additionalProperties": false,
          "required": [
            "protocol",
            "start",
            "end"
          ],
          "properties": {
            "protocol": {
              "enum": [
                "TCP",
                "UDP",
                "SCTP",
                "ANY"
              ]
            },
            "start": {
              "type": "integer",
              "minimum": 0,
              "maximum": 65535
            },
            "end": {
              "type": "integer",
              "minimum": 0,
              "maximum": 65535
            }
          }
        },
        "atStart": {
          "const": true
        },
        "moreRules": {
          "const": true
        }
      }
    },
    "stepVpnGateway": {
      "type": "object",
      "description": "A virtual private gateway's decision: to the external network whose advertised prefix matches best, into its VPC, or no route.",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "vpnGateway",
        "destination",
        "to"
      ],
      "properties": {
        "kind": {
          "const": "vpnGateway"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "vpnGateway": {
          "$ref": "#/$defs/objectRef"
        },
        "destination": {
          "$ref": "#/$defs/ipAddress"
        },
        "to": {
          "enum": [
            "external",
            "vpc",
            "none"
          ],
          "description": "Where the gateway sends the packet: an external network, into its VPC, or nowhere (no route)."
        },
        "network": {
          "type": "string"
        },
        "destinationCidr": {
          "$ref": "#/$defs/cidr"
        },
        "connection": {
          "enum": [
            "vpn",
            "directConnect"
          ]
        },
        "routing": {
          "enum": [
            "bgp",
            "static"
          ]
        },
        "vpc": {
          "type": "string"
        }
      }
    },
    "stepExternalFirewall": {
      "type": "object",
      "description": "The firewall in front of an external network judges the packet (first matching rule, deny by default once the direction has rules), or a reply passes by its state.",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "network",
        "firewall",
        "direction",
        "allowed",
        "ruleCount",
        "tracked"
      ],
      "properties": {
        "kind": {
          "const": "externalFirewall"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "network": {
          "type": "string"
        },
        "firewall": {
          "type": "string"
        },
        "direction": {
          "enum": [
            "inbound",
            "outbound"
          ],
          "description": "inbound: into the external network; outbound: out of it toward AWS."
        },
        "allowed": {
          "type": "boolean"
        },
        "rule": {
          "type": "integer",
          "minimum": 1,
          "description": "1-based number of the first matching rule; absent when none matched (the default)."
        },
        "ruleCount": {
          "type": "integer",
          "minimum": 0
        },
        "ruleText": {
          "type": "string"
        },
        "tracked": {
          "type": "boolean",
          "description": "A reply passing by the firewall's state."
        }
      }
    },
    "stepReturnRoute": {
      "type": "object",
      "description": "The external network's route back toward AWS for the packet's destination (`matched`), or none.",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "network",
        "destination",
        "routes",
        "basis"
      ],
      "properties": {
        "kind": {
          "const": "returnRoute"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "network": {
          "type": "string"
        },
        "destination": {
          "$ref": "#/$defs/ipAddress"
        },
        "routes": {
          "type": "array",
          "items": {
            "$ref": "#/$defs/cidr"
          }
        },
        "matched": {
          "$ref": "#/$defs/cidr"
        },
        "basis": {
          "enum": [
            "bgp",
            "declared"
          ],
          "description": "bgp: what the gateway advertises; declared: the network's returnRoutes."
        },
        "advertisedBy": {
          "type": "string"
        }
      }
    },
    "stepObservedNotPlaced": {
      "type": "object",
      "description": "An end of the flow is a pod of the observed state (kubernetes.observed) that netsim could not place as observed (`reason`): no verdict.",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "pod",
        "reason"
      ],
      "properties": {
        "kind": {
          "const": "observedNotPlaced"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "pod": {
          "type": "string"
        },
        "reason": {
          "type": "string"
        }
      }
    },
    "stepServiceDNS": {
      "type": "object",
      "description": "What an AWS service's regional DNS name returned to the source of an `aws:SERVICE` flow, and why: an interface endpoint's ENI (its private hosted zone, private DNS on; the one in the source's zone, `otherZones` the rest), the public service (`standIn`: netsim's stand-in address; `reason` says why), or an address of a gateway endpoint's prefix list.",
      "additionalProperties": false,
      "required": [
        "kind",
        "action",
        "text",
        "service",
        "dnsName",
        "address",
        "answer",
        "policyNotEvaluated"
      ],
      "properties": {
        "kind": {
          "const": "serviceDNS"
        },
        "action": {
          "$ref": "#/$defs/action"
        },
        "text": {
          "type": "string",
          "description": "The step in words (what the text output prints)."
        },
        "component": {
          "type": "string",
          "description": "The AWS ID (or name) of the deciding component."
        },
        "location": {
          "$ref": "#/$defs/location"
        },
        "packet": {
          "$ref": "#/$defs/packet",
          "description": "The packet after this step, when it changed."
        },
        "service": {
          "type": "string"
        },
        "dnsName": {
          "type": "string"
        },
        "address": {
          "$ref": "#/$defs/ipAddress"
        },
        "answer": {
          "enum": [
            "interfaceEndpoint",
            "publicService",
            "gatewayEndpoint"
          ]
        },
        "policyNotEvaluated": {
          "type": "boolean",
          "description": "The interface endpoint has a policy (IAM), which netsim does not evaluate."
        },
        "endpoint": {
          "type": "string"
        },
        "endpointId": {
          "type": "string"
        },
        "eni": {
          "type": "string"
        },
        "zone": {
          "type": "string"
        },
        "sameZone": {
          "type": "boolean"
        },
        "otherZones": {
          "type": "array",
          "items": {
            "type": "string"
          }
        },
        "standIn": {
          "const": true
        },
        "reason": {
          "enum": [
            "noEndpoint",
            "privateDnsOff",
            "outsideVpc",
            "dnsSupportOff",
            "endpointWithoutEni"
          ]
        },
        "vpc": {
          "type": "string"
        },
        "endpoints": {
          "type": "array",
          "items": {
            "type": "string"
          }
        },
        "prefixList": {
          "type": "string"
        }
      }
    },
    "step": {
      "description": "One step, keyed by `kind` (the StepDetail case's camelCase name); a step of an unknown kind, or with a field its kind does not have, is refused.",
      "type": "object",
      "required": [
        "kind"
      ],
      "properties": {
        "kind": {
          "enum": [
            "originate",
            "controlPlaneNotModelled",
            "apiServerEndpoint",
            "externalTargetGroup",
            "ipv6NotModelled",
            "delivered",
            "deliveredToOpener",
            "exitsNetwork",
            "noRoute",
            "nullRouted",
            "loop",
            "filter",
            "sourceDestCheck",
            "trackedConnection",
            "securityGroupAllows",
            "securityGroupDenies",
            "networkACL",
            "networkACLReplyPorts",
            "sameSubnet",
            "route",
            "applianceForwards",
            "internetGatewaySourceNAT",
            "internetGatewayDestinationNAT",
            "natGatewaySourceNAT",
            "natGatewaySession",
            "peering",
            "transitGatewayRoute",
            "transitGatewayEntry",
            "conntrack",
            "netfilterRule",
            "kubeProxyDNAT",
            "nodeRoute",
            "nodeSourceNAT",
            "noListener",
            "listenerDefault",
            "listenerRule",
            "noMatchingListenerRule",
            "fixedResponse",
            "redirect",
            "noTarget",
            "targetGroup",
            "loadBalancerForward",
            "loadBalancerReturn",
            "loadBalancerFlowReturn",
            "networkPolicy",
            "ipv6Gateway",
            "loadBalancerIPv6NotModelled",
            "transitGatewayTableRoute",
            "vpnGateway",
            "externalFirewall",
            "returnRoute",
            "serviceDNS",
            "observedNotPlaced"
          ]
        }
      },
      "oneOf": [
        {
          "if": {
            "properties": {
              "kind": {
                "const": "originate"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepOriginate"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "controlPlaneNotModelled"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepControlPlaneNotModelled"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "apiServerEndpoint"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepApiServerEndpoint"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "externalTargetGroup"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepExternalTargetGroup"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "ipv6NotModelled"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepIpv6NotModelled"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "delivered"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepDelivered"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "deliveredToOpener"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepDeliveredToOpener"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "exitsNetwork"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepExitsNetwork"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "noRoute"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepNoRoute"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "nullRouted"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepNullRouted"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "loop"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepLoop"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "filter"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepFilter"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "sourceDestCheck"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepSourceDestCheck"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "trackedConnection"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepTrackedConnection"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "securityGroupAllows"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepSecurityGroupAllows"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "securityGroupDenies"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepSecurityGroupDenies"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "networkACL"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepNetworkACL"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "networkACLReplyPorts"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepNetworkACLReplyPorts"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "sameSubnet"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepSameSubnet"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "route"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepRoute"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "applianceForwards"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepApplianceForwards"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "internetGatewaySourceNAT"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepInternetGatewaySourceNAT"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "internetGatewayDestinationNAT"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepInternetGatewayDestinationNAT"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "natGatewaySourceNAT"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepNatGatewaySourceNAT"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "natGatewaySession"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepNatGatewaySession"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "peering"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepPeering"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "transitGatewayRoute"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepTransitGatewayRoute"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "transitGatewayEntry"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepTransitGatewayEntry"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "conntrack"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepConntrack"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "netfilterRule"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepNetfilterRule"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "kubeProxyDNAT"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepKubeProxyDNAT"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "nodeRoute"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepNodeRoute"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "nodeSourceNAT"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepNodeSourceNAT"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "noListener"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepNoListener"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "listenerDefault"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepListenerDefault"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "listenerRule"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepListenerRule"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "noMatchingListenerRule"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepNoMatchingListenerRule"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "fixedResponse"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepFixedResponse"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "redirect"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepRedirect"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "noTarget"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepNoTarget"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "targetGroup"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepTargetGroup"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "loadBalancerForward"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepLoadBalancerForward"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "loadBalancerReturn"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepLoadBalancerReturn"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "loadBalancerFlowReturn"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepLoadBalancerFlowReturn"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "networkPolicy"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepNetworkPolicy"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "ipv6Gateway"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepIpv6Gateway"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "loadBalancerIPv6NotModelled"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepLoadBalancerIPv6NotModelled"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "transitGatewayTableRoute"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepTransitGatewayTableRoute"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "vpnGateway"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepVpnGateway"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "externalFirewall"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepExternalFirewall"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "returnRoute"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepReturnRoute"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "serviceDNS"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepServiceDNS"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "observedNotPlaced"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/stepObservedNotPlaced"
          },
          "else": false
        }
      ]
    },
    "placeInterface": {
      "type": "object",
      "description": "A network interface (an ENI, a declared interface, an external host's).",
      "additionalProperties": false,
      "required": [
        "kind",
        "id",
        "name",
        "address",
        "subnet"
      ],
      "properties": {
        "kind": {
          "const": "interface"
        },
        "id": {
          "type": "string"
        },
        "name": {
          "type": "string"
        },
        "address": {
          "$ref": "#/$defs/ipAddress"
        },
        "subnet": {
          "type": "string"
        }
      }
    },
    "placeLoadBalancerNode": {
      "type": "object",
      "description": "A load balancer node: its ENI in one zone.",
      "additionalProperties": false,
      "required": [
        "kind",
        "id",
        "name",
        "address",
        "subnet",
        "loadBalancer"
      ],
      "properties": {
        "kind": {
          "const": "loadBalancerNode"
        },
        "id": {
          "type": "string"
        },
        "name": {
          "type": "string"
        },
        "address": {
          "$ref": "#/$defs/ipAddress"
        },
        "subnet": {
          "type": "string"
        },
        "loadBalancer": {
          "type": "string"
        }
      }
    },
    "placeEndpoint": {
      "type": "object",
      "description": "An endpoint as the flow names it (with what it resolved to).",
      "additionalProperties": false,
      "required": [
        "kind",
        "name"
      ],
      "properties": {
        "kind": {
          "const": "endpoint"
        },
        "name": {
          "type": "string"
        }
      }
    },
    "placeInternet": {
      "type": "object",
      "description": "A host on the internet.",
      "additionalProperties": false,
      "required": [
        "kind"
      ],
      "properties": {
        "kind": {
          "const": "internet"
        },
        "address": {
          "$ref": "#/$defs/ipAddress"
        }
      }
    },
    "placeExternal": {
      "type": "object",
      "description": "An external network (on-premises, a partner).",
      "additionalProperties": false,
      "required": [
        "kind",
        "name"
      ],
      "properties": {
        "kind": {
          "const": "external"
        },
        "name": {
          "type": "string"
        },
        "address": {
          "$ref": "#/$defs/ipAddress"
        }
      }
    },
    "placeSubnet": {
      "type": "object",
      "description": "A subnet (its network ACL and route table), by its ID and name.",
      "additionalProperties": false,
      "required": [
        "kind",
        "id",
        "name"
      ],
      "properties": {
        "kind": {
          "const": "subnet"
        },
        "id": {
          "type": "string",
          "description": "The subnet's ID (subnet-...)."
        },
        "name": {
          "type": "string"
        }
      }
    },
    "placeVpc": {
      "type": "object",
      "description": "A VPC.",
      "additionalProperties": false,
      "required": [
        "kind",
        "name"
      ],
      "properties": {
        "kind": {
          "const": "vpc"
        },
        "name": {
          "type": "string"
        }
      }
    },
    "placeInternetGateway": {
      "type": "object",
      "description": "An internet gateway (no id and name when the VPC declares none).",
      "additionalProperties": false,
      "required": [
        "kind"
      ],
      "properties": {
        "kind": {
          "const": "internetGateway"
        },
        "id": {
          "type": "string"
        },
        "name": {
          "type": "string"
        }
      }
    },
    "placeEgressOnlyInternetGateway": {
      "type": "object",
      "description": "An egress-only internet gateway.",
      "additionalProperties": false,
      "required": [
        "kind",
        "name"
      ],
      "properties": {
        "kind": {
          "const": "egressOnlyInternetGateway"
        },
        "name": {
          "type": "string"
        }
      }
    },
    "placeNatGateway": {
      "type": "object",
      "description": "A NAT gateway.",
      "additionalProperties": false,
      "required": [
        "kind",
        "id",
        "name",
        "address",
        "subnet"
      ],
      "properties": {
        "kind": {
          "const": "natGateway"
        },
        "id": {
          "type": "string"
        },
        "name": {
          "type": "string"
        },
        "address": {
          "$ref": "#/$defs/ipAddress"
        },
        "subnet": {
          "type": "string"
        }
      }
    },
    "placePeering": {
      "type": "object",
      "description": "A VPC peering connection.",
      "additionalProperties": false,
      "required": [
        "kind",
        "id",
        "name"
      ],
      "properties": {
        "kind": {
          "const": "peering"
        },
        "id": {
          "type": "string"
        },
        "name": {
          "type": "string"
        }
      }
    },
    "placeTransitGateway": {
      "type": "object",
      "description": "A transit gateway.",
      "additionalProperties": false,
      "required": [
        "kind",
        "id",
        "name"
      ],
      "properties": {
        "kind": {
          "const": "transitGateway"
        },
        "id": {
          "type": "string"
        },
        "name": {
          "type": "string"
        }
      }
    },
    "placeGatewayEndpoint": {
      "type": "object",
      "description": "A gateway VPC endpoint and its service.",
      "additionalProperties": false,
      "required": [
        "kind",
        "id",
        "name",
        "service"
      ],
      "properties": {
        "kind": {
          "const": "gatewayEndpoint"
        },
        "id": {
          "type": "string"
        },
        "name": {
          "type": "string"
        },
        "service": {
          "type": "string"
        }
      }
    },
    "placeService": {
      "type": "object",
      "description": "The AWS service behind a gateway endpoint.",
      "additionalProperties": false,
      "required": [
        "kind",
        "name"
      ],
      "properties": {
        "kind": {
          "const": "service"
        },
        "name": {
          "type": "string"
        }
      }
    },
    "placeNode": {
      "type": "object",
      "description": "A node's datapath (netfilter rules and policy routing), by the instance ID and name of the realized node.",
      "additionalProperties": false,
      "required": [
        "kind",
        "id",
        "name"
      ],
      "properties": {
        "kind": {
          "const": "node"
        },
        "id": {
          "type": "string",
          "description": "The node's EC2 instance ID (i-...)."
        },
        "name": {
          "type": "string"
        }
      }
    },
    "placeNodeHost": {
      "type": "object",
      "description": "A node's own stack, by the address the flow uses.",
      "additionalProperties": false,
      "required": [
        "kind",
        "name",
        "address"
      ],
      "properties": {
        "kind": {
          "const": "nodeHost"
        },
        "name": {
          "type": "string"
        },
        "address": {
          "$ref": "#/$defs/ipAddress"
        }
      }
    },
    "placePod": {
      "type": "object",
      "description": "A pod (no name when the address is no pod's).",
      "additionalProperties": false,
      "required": [
        "kind",
        "address"
      ],
      "properties": {
        "kind": {
          "const": "pod"
        },
        "address": {
          "$ref": "#/$defs/ipAddress"
        },
        "name": {
          "type": "string"
        }
      }
    },
    "placeVpnGateway": {
      "type": "object",
      "description": "A virtual private gateway.",
      "additionalProperties": false,
      "required": [
        "kind",
        "id",
        "name"
      ],
      "properties": {
        "kind": {
          "const": "vpnGateway"
        },
        "id": {
          "type": "string"
        },
        "name": {
          "type": "string"
        }
      }
    },
    "place": {
      "description": "A place on the path, keyed by `kind`.",
      "type": "object",
      "required": [
        "kind"
      ],
      "properties": {
        "kind": {
          "enum": [
            "interface",
            "loadBalancerNode",
            "endpoint",
            "internet",
            "external",
            "subnet",
            "vpc",
            "internetGateway",
            "egressOnlyInternetGateway",
            "natGateway",
            "peering",
            "transitGateway",
            "gatewayEndpoint",
            "service",
            "node",
            "nodeHost",
            "pod",
            "vpnGateway"
          ]
        }
      },
      "oneOf": [
        {
          "if": {
            "properties": {
              "kind": {
                "const": "interface"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/placeInterface"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "loadBalancerNode"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/placeLoadBalancerNode"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "endpoint"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/placeEndpoint"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "internet"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/placeInternet"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "external"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/placeExternal"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "subnet"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/placeSubnet"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "vpc"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/placeVpc"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "internetGateway"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/placeInternetGateway"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "egressOnlyInternetGateway"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/placeEgressOnlyInternetGateway"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "natGateway"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/placeNatGateway"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "peering"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/placePeering"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "transitGateway"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/placeTransitGateway"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "gatewayEndpoint"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/placeGatewayEndpoint"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "service"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/placeService"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "node"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/placeNode"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "nodeHost"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/placeNodeHost"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "pod"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/placePod"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "vpnGateway"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/placeVpnGateway"
          },
          "else": false
        }
      ]
    },
    "reasonServiceIPOffCluster": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "source"
      ],
      "properties": {
        "kind": {
          "const": "serviceIPOffCluster"
        },
        "source": {
          "type": "string"
        }
      }
    },
    "reasonSourceDestCheckEgress": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "interface",
        "source"
      ],
      "properties": {
        "kind": {
          "const": "sourceDestCheckEgress"
        },
        "interface": {
          "type": "string"
        },
        "source": {
          "$ref": "#/$defs/ipAddress"
        }
      }
    },
    "reasonSourceDestCheckIngress": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "interface",
        "destination"
      ],
      "properties": {
        "kind": {
          "const": "sourceDestCheckIngress"
        },
        "interface": {
          "type": "string"
        },
        "destination": {
          "$ref": "#/$defs/ipAddress"
        }
      }
    },
    "reasonSourceDestCheckAppliance": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "interface",
        "destination"
      ],
      "properties": {
        "kind": {
          "const": "sourceDestCheckAppliance"
        },
        "interface": {
          "type": "string"
        },
        "destination": {
          "$ref": "#/$defs/ipAddress"
        }
      }
    },
    "reasonSecurityGroups": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "direction",
        "securityGroups",
        "interface",
        "deniedPacket"
      ],
      "properties": {
        "kind": {
          "const": "securityGroups"
        },
        "direction": {
          "enum": [
            "ingress",
            "egress"
          ]
        },
        "securityGroups": {
          "type": "array",
          "items": {
            "$ref": "#/$defs/objectRef"
          }
        },
        "interface": {
          "type": "string"
        },
        "deniedPacket": {
          "$ref": "#/$defs/packet"
        }
      }
    },
    "reasonNetworkACLReplyPorts": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "direction",
        "networkAcl",
        "subnet",
        "port",
        "deniedPorts",
        "portRange"
      ],
      "properties": {
        "kind": {
          "const": "networkACLReplyPorts"
        },
        "direction": {
          "enum": [
            "inbound",
            "outbound"
          ]
        },
        "networkAcl": {
          "$ref": "#/$defs/objectRef"
        },
        "subnet": {
          "type": "string"
        },
        "port": {
          "$ref": "#/$defs/port"
        },
        "deniedPorts": {
          "type": "array",
          "items": {
            "$ref": "#/$defs/portRange"
          }
        },
        "portRange": {
          "$ref": "#/$defs/portRange"
        }
      }
    },
    "reasonNetworkACL": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "direction",
        "networkAcl",
        "subnet",
        "deniedPacket"
      ],
      "properties": {
        "kind": {
          "const": "networkACL"
        },
        "direction": {
          "enum": [
            "inbound",
            "outbound"
          ]
        },
        "networkAcl": {
          "$ref": "#/$defs/objectRef"
        },
        "subnet": {
          "type": "string"
        },
        "deniedPacket": {
          "$ref": "#/$defs/packet"
        },
        "rule": {
          "$ref": "#/$defs/networkAclRule"
        },
        "replyNeeds": {
          "type": "object",
          "additionalProperties": false,
          "required": [
            "port"
          ],
          "properties": {
            "port": {
              "$ref": "#/$defs/port"
            },
            "portRange": {
              "$ref": "#/$defs/portRange"
            },
            "deniedPorts": {
              "type": "array",
              "items": {
                "$ref": "#/$defs/portRange"
              }
            }
          }
        }
      }
    },
    "reasonTooManyDecisions": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "limit"
      ],
      "properties": {
        "kind": {
          "const": "tooManyDecisions"
        },
        "limit": {
          "type": "integer",
          "minimum": 1
        }
      }
    },
    "reasonSubnetLoop": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "subnet"
      ],
      "properties": {
        "kind": {
          "const": "subnetLoop"
        },
        "subnet": {
          "type": "string"
        }
      }
    },
    "reasonNoRouteInTable": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "routeTable",
        "subnet",
        "destination"
      ],
      "properties": {
        "kind": {
          "const": "noRouteInTable"
        },
        "routeTable": {
          "$ref": "#/$defs/objectRef"
        },
        "subnet": {
          "type": "string"
        },
        "destination": {
          "$ref": "#/$defs/ipAddress"
        }
      }
    },
    "reasonBlackholeRoute": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "routeTable",
        "route"
      ],
      "properties": {
        "kind": {
          "const": "blackholeRoute"
        },
        "routeTable": {
          "$ref": "#/$defs/objectRef"
        },
        "route": {
          "type": "string"
        }
      }
    },
    "reasonEgressOnlyGateway": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "gateway"
      ],
      "properties": {
        "kind": {
          "const": "egressOnlyGateway"
        },
        "gateway": {
          "type": "string"
        }
      }
    },
    "reasonNoInterfaceInVPC": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "vpc",
        "destination"
      ],
      "properties": {
        "kind": {
          "const": "noInterfaceInVPC"
        },
        "vpc": {
          "type": "string"
        },
        "destination": {
          "$ref": "#/$defs/ipAddress"
        }
      }
    },
    "reasonInternetGatewayPrivateDestination": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "destination"
      ],
      "properties": {
        "kind": {
          "const": "internetGatewayPrivateDestination"
        },
        "destination": {
          "$ref": "#/$defs/ipAddress"
        }
      }
    },
    "reasonInternetGatewayNoPublicAddress": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "source"
      ],
      "properties": {
        "kind": {
          "const": "internetGatewayNoPublicAddress"
        },
        "source": {
          "$ref": "#/$defs/ipAddress"
        }
      }
    },
    "reasonInternetGatewayPrivateSource": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "source"
      ],
      "properties": {
        "kind": {
          "const": "internetGatewayPrivateSource"
        },
        "source": {
          "$ref": "#/$defs/ipAddress"
        }
      }
    },
    "reasonNoInternetGateway": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "vpc",
        "destination"
      ],
      "properties": {
        "kind": {
          "const": "noInternetGateway"
        },
        "vpc": {
          "type": "string"
        },
        "destination": {
          "$ref": "#/$defs/ipAddress"
        }
      }
    },
    "reasonPrivateAddressFromInternet": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "destination"
      ],
      "properties": {
        "kind": {
          "const": "privateAddressFromInternet"
        },
        "destination": {
          "$ref": "#/$defs/ipAddress"
        }
      }
    },
    "reasonOutsideModelledNetworks": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "destination"
      ],
      "properties": {
        "kind": {
          "const": "outsideModelledNetworks"
        },
        "destination": {
          "$ref": "#/$defs/ipAddress"
        }
      }
    },
    "reasonNatNoSession": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "natGateway"
      ],
      "properties": {
        "kind": {
          "const": "natNoSession"
        },
        "natGateway": {
          "type": "string"
        }
      }
    },
    "reasonNatProtocol": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "protocol"
      ],
      "properties": {
        "kind": {
          "const": "natProtocol"
        },
        "protocol": {
          "type": "string"
        }
      }
    },
    "reasonNatSourceOutsideVPC": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "natGateway",
        "source"
      ],
      "properties": {
        "kind": {
          "const": "natSourceOutsideVPC"
        },
        "natGateway": {
          "type": "string"
        },
        "source": {
          "$ref": "#/$defs/ipAddress"
        }
      }
    },
    "reasonNatNoInbound": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "interface"
      ],
      "properties": {
        "kind": {
          "const": "natNoInbound"
        },
        "interface": {
          "type": "string"
        }
      }
    },
    "reasonPeeringNotTransitive": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "peering",
        "vpc",
        "cidrs",
        "destination"
      ],
      "properties": {
        "kind": {
          "const": "peeringNotTransitive"
        },
        "peering": {
          "type": "string"
        },
        "vpc": {
          "type": "string"
        },
        "cidrs": {
          "type": "array",
          "items": {
            "anyOf": [
              {
                "$ref": "#/$defs/cidr"
              },
              {
                "$ref": "#/$defs/cidr6"
              }
            ]
          }
        },
        "destination": {
          "$ref": "#/$defs/ipAddress"
        }
      }
    },
    "reasonTransitGatewayNoSubnetInZone": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "vpc",
        "transitGateway",
        "zone",
        "subnets"
      ],
      "properties": {
        "kind": {
          "const": "transitGatewayNoSubnetInZone"
        },
        "vpc": {
          "type": "string"
        },
        "transitGateway": {
          "type": "string"
        },
        "zone": {
          "type": "string"
        },
        "subnets": {
          "type": "array",
          "items": {
            "type": "object",
            "additionalProperties": false,
            "required": [
              "name",
              "zone"
            ],
            "properties": {
              "name": {
                "type": "string"
              },
              "zone": {
                "type": "string"
              }
            }
          }
        }
      }
    },
    "reasonTransitGatewayNoRoute": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "transitGateway",
        "destination"
      ],
      "properties": {
        "kind": {
          "const": "transitGatewayNoRoute"
        },
        "transitGateway": {
          "type": "string"
        },
        "destination": {
          "$ref": "#/$defs/ipAddress"
        }
      }
    },
    "reasonTransitGatewayLoop": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "transitGateway"
      ],
      "properties": {
        "kind": {
          "const": "transitGatewayLoop"
        },
        "transitGateway": {
          "type": "string"
        }
      }
    },
    "reasonTransitGatewayBlackhole": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "destinationCidr"
      ],
      "properties": {
        "kind": {
          "const": "transitGatewayBlackhole"
        },
        "destinationCidr": {
          "anyOf": [
            {
              "$ref": "#/$defs/cidr"
            },
            {
              "$ref": "#/$defs/cidr6"
            }
          ]
        }
      }
    },
    "reasonTransitGatewayNotAttached": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "transitGateway",
        "destinationCidr",
        "vpc"
      ],
      "properties": {
        "kind": {
          "const": "transitGatewayNotAttached"
        },
        "transitGateway": {
          "type": "string"
        },
        "destinationCidr": {
          "anyOf": [
            {
              "$ref": "#/$defs/cidr"
            },
            {
              "$ref": "#/$defs/cidr6"
            }
          ]
        },
        "vpc": {
          "type": "string"
        }
      }
    },
    "reasonTransitGatewayUnassociated": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "transitGateway",
        "attachment"
      ],
      "properties": {
        "kind": {
          "const": "transitGatewayUnassociated"
        },
        "transitGateway": {
          "type": "string"
        },
        "attachment": {
          "type": "string"
        }
      }
    },
    "reasonTransitGatewayTableNoRoute": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "transitGateway",
        "routeTable",
        "attachment",
        "destination"
      ],
      "properties": {
        "kind": {
          "const": "transitGatewayTableNoRoute"
        },
        "transitGateway": {
          "type": "string"
        },
        "routeTable": {
          "$ref": "#/$defs/objectRef"
        },
        "attachment": {
          "type": "string"
        },
        "destination": {
          "$ref": "#/$defs/ipAddress"
        }
      }
    },
    "reasonApplianceNoSession": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "interface",
        "zone"
      ],
      "properties": {
        "kind": {
          "const": "applianceNoSession"
        },
        "interface": {
          "type": "string"
        },
        "zone": {
          "type": "string"
        }
      }
    },
    "reasonVpcNoSubnetOnward": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "vpc",
        "destination"
      ],
      "properties": {
        "kind": {
          "const": "vpcNoSubnetOnward"
        },
        "vpc": {
          "type": "string"
        },
        "destination": {
          "$ref": "#/$defs/ipAddress"
        }
      }
    },
    "reasonGatewayEndpointProtocol": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "protocol"
      ],
      "properties": {
        "kind": {
          "const": "gatewayEndpointProtocol"
        },
        "protocol": {
          "type": "string"
        }
      }
    },
    "reasonServiceHasNoEndpoints": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "service"
      ],
      "properties": {
        "kind": {
          "const": "serviceHasNoEndpoints"
        },
        "service": {
          "$ref": "#/$defs/addressPort"
        }
      }
    },
    "reasonNetfilterFilter": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "rule",
        "reject"
      ],
      "properties": {
        "kind": {
          "const": "netfilterFilter"
        },
        "rule": {
          "$ref": "#/$defs/ruleHit"
        },
        "reject": {
          "type": "boolean"
        }
      }
    },
    "reasonNotAServicePort": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "service"
      ],
      "properties": {
        "kind": {
          "const": "notAServicePort"
        },
        "service": {
          "$ref": "#/$defs/addressPort"
        }
      }
    },
    "reasonNoListener": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "loadBalancer",
        "deniedPacket",
        "listeners"
      ],
      "properties": {
        "kind": {
          "const": "noListener"
        },
        "loadBalancer": {
          "type": "string"
        },
        "deniedPacket": {
          "$ref": "#/$defs/packet"
        },
        "listeners": {
          "type": "array",
          "items": {
            "$ref": "#/$defs/listener"
          }
        }
      }
    },
    "reasonNoMatchingRule": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "loadBalancer",
        "listener",
        "request",
        "response"
      ],
      "properties": {
        "kind": {
          "const": "noMatchingRule"
        },
        "loadBalancer": {
          "type": "string"
        },
        "listener": {
          "$ref": "#/$defs/listener"
        },
        "request": {
          "$ref": "#/$defs/request"
        },
        "response": {
          "$ref": "#/$defs/response"
        }
      }
    },
    "reasonFixedResponse": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "response"
      ],
      "properties": {
        "kind": {
          "const": "fixedResponse"
        },
        "response": {
          "$ref": "#/$defs/response"
        }
      }
    },
    "reasonRedirect": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "response",
        "byDefault"
      ],
      "properties": {
        "kind": {
          "const": "redirect"
        },
        "response": {
          "$ref": "#/$defs/response"
        },
        "byDefault": {
          "type": "boolean"
        }
      }
    },
    "reasonNoRegisteredTargets": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "targetGroup",
        "service",
        "servicePort",
        "targetType"
      ],
      "properties": {
        "kind": {
          "const": "noRegisteredTargets"
        },
        "targetGroup": {
          "type": "string"
        },
        "service": {
          "type": "string"
        },
        "servicePort": {
          "type": "string"
        },
        "targetType": {
          "enum": [
            "instance",
            "ip"
          ]
        }
      }
    },
    "reasonTargetsOutsideZones": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "targetGroup",
        "loadBalancer",
        "zones"
      ],
      "properties": {
        "kind": {
          "const": "targetsOutsideZones"
        },
        "targetGroup": {
          "type": "string"
        },
        "loadBalancer": {
          "type": "string"
        },
        "zones": {
          "type": "array",
          "items": {
            "type": "string"
          }
        }
      }
    },
    "reasonNoTargetInZone": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "targetGroup",
        "zone",
        "failOpen",
        "targetsInOtherZones"
      ],
      "properties": {
        "kind": {
          "const": "noTargetInZone"
        },
        "targetGroup": {
          "type": "string"
        },
        "zone": {
          "type": "string"
        },
        "failOpen": {
          "type": "boolean"
        },
        "targetsInOtherZones": {
          "type": "integer",
          "minimum": 0
        }
      }
    },
    "reasonHairpinWithPreservedClientIP": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "target"
      ],
      "properties": {
        "kind": {
          "const": "hairpinWithPreservedClientIP"
        },
        "target": {
          "type": "string"
        }
      }
    },
    "reasonLoadBalancerNoConnection": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "loadBalancer"
      ],
      "properties": {
        "kind": {
          "const": "loadBalancerNoConnection"
        },
        "loadBalancer": {
          "type": "string"
        }
      }
    },
    "reasonEgressOnlyInbound": {
      "type": "object",
      "description": "A connection from the internet to an IPv6 address of a VPC whose only way in is an egress-only internet gateway.",
      "additionalProperties": false,
      "required": [
        "kind",
        "egressOnlyInternetGateway",
        "destination"
      ],
      "properties": {
        "kind": {
          "const": "egressOnlyInbound"
        },
        "egressOnlyInternetGateway": {
          "type": "string"
        },
        "destination": {
          "$ref": "#/$defs/ipAddress"
        }
      }
    },
    "reasonTransitGatewayNoIPv6": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "transitGateway",
        "attachment",
        "vpc",
        "ipv6Support"
      ],
      "properties": {
        "kind": {
          "const": "transitGatewayNoIPv6"
        },
        "transitGateway": {
          "type": "string"
        },
        "attachment": {
          "type": "string"
        },
        "vpc": {
          "type": "string"
        },
        "ipv6Support": {
          "type": "boolean",
          "description": "True: the attachment has IPv6 support but its VPC has no IPv6 block."
        }
      }
    },
    "reasonInterfaceEndpointPort": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "endpoint",
        "service",
        "deniedPacket",
        "listens"
      ],
      "properties": {
        "kind": {
          "const": "interfaceEndpointPort"
        },
        "endpoint": {
          "type": "string"
        },
        "service": {
          "type": "string"
        },
        "deniedPacket": {
          "$ref": "#/$defs/packet"
        },
        "listens": {
          "type": "array",
          "description": "The TCP ports the service listens on behind the endpoint.",
          "items": {
            "$ref": "#/$defs/port"
          }
        }
      }
    },
    "reasonNetworkPolicy": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "direction",
        "address",
        "allowed",
        "policies",
        "evaluatedPacket"
      ],
      "properties": {
        "kind": {
          "const": "networkPolicy"
        },
        "direction": {
          "enum": [
            "ingress",
            "egress"
          ]
        },
        "address": {
          "$ref": "#/$defs/ipAddress"
        },
        "allowed": {
          "type": "boolean"
        },
        "policies": {
          "type": "array",
          "items": {
            "type": "string"
          }
        },
        "evaluatedPacket": {
          "$ref": "#/$defs/packet"
        },
        "pod": {
          "type": "string"
        },
        "enforcer": {
          "enum": [
            "vpc-cni",
            "upstream"
          ]
        },
        "basis": {
          "enum": [
            "conntrackReply",
            "hostNetworkExempt",
            "notIsolated",
            "notIPv4",
            "adminTier",
            "baselineTier",
            "nodeIP",
            "entryAllows",
            "noEntryCoversPeer",
            "portNotInEntry",
            "exceptEntry",
            "defaultAllow",
            "defaultDeny",
            "ruleAllows",
            "noRuleAllows",
            "ownPod",
            "residentNode"
          ]
        },
        "peer": {
          "$ref": "#/$defs/ipAddress"
        },
        "rules": {
          "type": "array",
          "items": {
            "$ref": "#/$defs/policyRule"
          }
        },
        "cidr": {
          "type": "string"
        },
        "ports": {
          "type": "object",
          "additionalProperties": false,
          "required": [
            "protocol",
            "start",
            "end"
          ],
          "properties": {
            "protocol": {
              "enum": [
                "TCP",
                "UDP",
                "SCTP",
                "ANY"
              ]
            },
            "start": {
              "type": "integer",
              "minimum": 0,
              "maximum": 65535
            },
            "end": {
              "type": "integer",
              "minimum": 0,
              "maximum": 65535
            }
          }
        },
        "atStart": {
          "const": true
        },
        "moreRules": {
          "const": true
        }
      }
    },
    "reasonVpnGatewayNoRoute": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "vpnGateway",
        "destination"
      ],
      "properties": {
        "kind": {
          "const": "vpnGatewayNoRoute"
        },
        "vpnGateway": {
          "type": "string"
        },
        "destination": {
          "$ref": "#/$defs/ipAddress"
        }
      }
    },
    "reasonExternalFirewall": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "network",
        "firewall",
        "direction",
        "allowed",
        "ruleCount",
        "tracked",
        "deniedPacket"
      ],
      "properties": {
        "kind": {
          "const": "externalFirewall"
        },
        "network": {
          "type": "string"
        },
        "firewall": {
          "type": "string"
        },
        "direction": {
          "enum": [
            "inbound",
            "outbound"
          ],
          "description": "inbound: into the external network; outbound: out of it toward AWS."
        },
        "allowed": {
          "type": "boolean"
        },
        "rule": {
          "type": "integer",
          "minimum": 1,
          "description": "1-based number of the first matching rule; absent when none matched (the default)."
        },
        "ruleCount": {
          "type": "integer",
          "minimum": 0
        },
        "ruleText": {
          "type": "string"
        },
        "tracked": {
          "type": "boolean",
          "description": "A reply passing by the firewall's state."
        },
        "deniedPacket": {
          "$ref": "#/$defs/packet"
        }
      }
    },
    "reasonNoReturnRoute": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "network",
        "destination",
        "routes",
        "basis"
      ],
      "properties": {
        "kind": {
          "const": "noReturnRoute"
        },
        "network": {
          "type": "string"
        },
        "destination": {
          "$ref": "#/$defs/ipAddress"
        },
        "routes": {
          "type": "array",
          "items": {
            "$ref": "#/$defs/cidr"
          }
        },
        "matched": {
          "$ref": "#/$defs/cidr"
        },
        "basis": {
          "enum": [
            "bgp",
            "declared"
          ],
          "description": "bgp: what the gateway advertises; declared: the network's returnRoutes."
        },
        "advertisedBy": {
          "type": "string"
        }
      }
    },
    "reason": {
      "description": "Why the path is blocked, with the values that say so, keyed by `kind` (the BlockReason case's name).",
      "type": "object",
      "required": [
        "kind"
      ],
      "properties": {
        "kind": {
          "enum": [
            "serviceIPOffCluster",
            "sourceDestCheckEgress",
            "sourceDestCheckIngress",
            "sourceDestCheckAppliance",
            "securityGroups",
            "networkACLReplyPorts",
            "networkACL",
            "tooManyDecisions",
            "subnetLoop",
            "noRouteInTable",
            "blackholeRoute",
            "egressOnlyGateway",
            "noInterfaceInVPC",
            "internetGatewayPrivateDestination",
            "internetGatewayNoPublicAddress",
            "internetGatewayPrivateSource",
            "noInternetGateway",
            "privateAddressFromInternet",
            "outsideModelledNetworks",
            "natNoSession",
            "natProtocol",
            "natSourceOutsideVPC",
            "natNoInbound",
            "peeringNotTransitive",
            "transitGatewayNoSubnetInZone",
            "transitGatewayNoRoute",
            "transitGatewayLoop",
            "transitGatewayBlackhole",
            "transitGatewayNotAttached",
            "vpcNoSubnetOnward",
            "gatewayEndpointProtocol",
            "serviceHasNoEndpoints",
            "netfilterFilter",
            "notAServicePort",
            "noListener",
            "noMatchingRule",
            "fixedResponse",
            "redirect",
            "noRegisteredTargets",
            "targetsOutsideZones",
            "noTargetInZone",
            "hairpinWithPreservedClientIP",
            "loadBalancerNoConnection",
            "networkPolicy",
            "apiServerEndpoint",
            "egressOnlyInbound",
            "transitGatewayNoIPv6",
            "interfaceEndpointPort",
            "transitGatewayUnassociated",
            "transitGatewayTableNoRoute",
            "applianceNoSession",
            "vpnGatewayNoRoute",
            "externalFirewall",
            "noReturnRoute"
          ]
        }
      },
      "oneOf": [
        {
          "if": {
            "properties": {
              "kind": {
                "const": "serviceIPOffCluster"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonServiceIPOffCluster"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "sourceDestCheckEgress"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonSourceDestCheckEgress"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "sourceDestCheckIngress"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonSourceDestCheckIngress"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "sourceDestCheckAppliance"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonSourceDestCheckAppliance"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "securityGroups"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonSecurityGroups"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "networkACLReplyPorts"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonNetworkACLReplyPorts"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "networkACL"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonNetworkACL"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "tooManyDecisions"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonTooManyDecisions"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "subnetLoop"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonSubnetLoop"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "noRouteInTable"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonNoRouteInTable"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "blackholeRoute"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonBlackholeRoute"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "egressOnlyGateway"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonEgressOnlyGateway"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "noInterfaceInVPC"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonNoInterfaceInVPC"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "internetGatewayPrivateDestination"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonInternetGatewayPrivateDestination"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "internetGatewayNoPublicAddress"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonInternetGatewayNoPublicAddress"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "internetGatewayPrivateSource"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonInternetGatewayPrivateSource"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "noInternetGateway"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonNoInternetGateway"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "privateAddressFromInternet"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonPrivateAddressFromInternet"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "outsideModelledNetworks"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonOutsideModelledNetworks"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "natNoSession"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonNatNoSession"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "natProtocol"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonNatProtocol"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "natSourceOutsideVPC"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonNatSourceOutsideVPC"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "natNoInbound"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonNatNoInbound"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "peeringNotTransitive"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonPeeringNotTransitive"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "transitGatewayNoSubnetInZone"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonTransitGatewayNoSubnetInZone"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "transitGatewayNoRoute"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonTransitGatewayNoRoute"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "transitGatewayLoop"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonTransitGatewayLoop"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "transitGatewayBlackhole"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonTransitGatewayBlackhole"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "transitGatewayNotAttached"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonTransitGatewayNotAttached"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "vpcNoSubnetOnward"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonVpcNoSubnetOnward"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "gatewayEndpointProtocol"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonGatewayEndpointProtocol"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "serviceHasNoEndpoints"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonServiceHasNoEndpoints"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "netfilterFilter"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonNetfilterFilter"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "notAServicePort"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonNotAServicePort"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "noListener"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonNoListener"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "noMatchingRule"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonNoMatchingRule"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "fixedResponse"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonFixedResponse"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "redirect"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonRedirect"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "noRegisteredTargets"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonNoRegisteredTargets"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "targetsOutsideZones"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonTargetsOutsideZones"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "noTargetInZone"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonNoTargetInZone"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "hairpinWithPreservedClientIP"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonHairpinWithPreservedClientIP"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "loadBalancerNoConnection"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonLoadBalancerNoConnection"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "networkPolicy"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonNetworkPolicy"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "apiServerEndpoint"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonApiServerEndpoint"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "egressOnlyInbound"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonEgressOnlyInbound"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "transitGatewayNoIPv6"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonTransitGatewayNoIPv6"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "interfaceEndpointPort"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonInterfaceEndpointPort"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "transitGatewayUnassociated"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonTransitGatewayUnassociated"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "transitGatewayTableNoRoute"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonTransitGatewayTableNoRoute"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "applianceNoSession"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonApplianceNoSession"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "vpnGatewayNoRoute"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonVpnGatewayNoRoute"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "externalFirewall"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonExternalFirewall"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "noReturnRoute"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/reasonNoReturnRoute"
          },
          "else": false
        }
      ]
    },
    "healthBlocked": {
      "type": "object",
      "description": "The check's trace is blocked (`explanation`: its first block).",
      "additionalProperties": false,
      "required": [
        "kind",
        "explanation"
      ],
      "properties": {
        "kind": {
          "const": "blocked"
        },
        "explanation": {
          "$ref": "#/$defs/explanation"
        }
      }
    },
    "healthPodDeclaresNoPort": {
      "type": "object",
      "description": "The check reaches a pod that declares no TCP container port `port`: connection refused.",
      "additionalProperties": false,
      "required": [
        "kind",
        "check",
        "pod",
        "port"
      ],
      "properties": {
        "kind": {
          "const": "podDeclaresNoPort"
        },
        "check": {
          "type": "string"
        },
        "pod": {
          "type": "string"
        },
        "port": {
          "$ref": "#/$defs/port"
        }
      }
    },
    "healthAnsweredByPod": {
      "type": "object",
      "description": "The pod answers the check.",
      "additionalProperties": false,
      "required": [
        "kind",
        "check",
        "pod"
      ],
      "properties": {
        "kind": {
          "const": "answeredByPod"
        },
        "check": {
          "type": "string"
        },
        "pod": {
          "type": "string"
        }
      }
    },
    "healthHealthServer": {
      "type": "object",
      "description": "kube-proxy's health server on `node`: 200 with local endpoints, 503 without.",
      "additionalProperties": false,
      "required": [
        "kind",
        "node",
        "localEndpoints"
      ],
      "properties": {
        "kind": {
          "const": "healthServer"
        },
        "node": {
          "type": "string"
        },
        "localEndpoints": {
          "type": "integer",
          "minimum": 0
        }
      }
    },
    "healthTcpCheckOfHealthServer": {
      "type": "object",
      "description": "A TCP check of kube-proxy's health server completes the handshake whatever its endpoints.",
      "additionalProperties": false,
      "required": [
        "kind",
        "node"
      ],
      "properties": {
        "kind": {
          "const": "tcpCheckOfHealthServer"
        },
        "node": {
          "type": "string"
        }
      }
    },
    "healthNothingListensOnNode": {
      "type": "object",
      "description": "The check reaches the node itself, where nothing listens on `port`.",
      "additionalProperties": false,
      "required": [
        "kind",
        "node",
        "port"
      ],
      "properties": {
        "kind": {
          "const": "nothingListensOnNode"
        },
        "node": {
          "type": "string"
        },
        "port": {
          "$ref": "#/$defs/port"
        }
      }
    },
    "healthCheckEnds": {
      "type": "object",
      "description": "The check's trace ends elsewhere (`disposition`).",
      "additionalProperties": false,
      "required": [
        "kind"
      ],
      "properties": {
        "kind": {
          "const": "checkEnds"
        },
        "disposition": {
          "$ref": "#/$defs/disposition"
        }
      }
    },
    "healthReplyLost": {
      "type": "object",
      "description": "The check's reply is blocked (`explanation`).",
      "additionalProperties": false,
      "required": [
        "kind",
        "explanation"
      ],
      "properties": {
        "kind": {
          "const": "replyLost"
        },
        "explanation": {
          "$ref": "#/$defs/explanation"
        }
      }
    },
    "healthReplyEnds": {
      "type": "object",
      "description": "The check's reply ends elsewhere (`disposition`).",
      "additionalProperties": false,
      "required": [
        "kind"
      ],
      "properties": {
        "kind": {
          "const": "replyEnds"
        },
        "disposition": {
          "$ref": "#/$defs/disposition"
        }
      }
    },
    "healthReason": {
      "description": "Why a health check finds its target healthy or not, keyed by `kind` (the HealthReason case's name).",
      "type": "object",
      "required": [
        "kind"
      ],
      "properties": {
        "kind": {
          "enum": [
            "blocked",
            "podDeclaresNoPort",
            "answeredByPod",
            "healthServer",
            "tcpCheckOfHealthServer",
            "nothingListensOnNode",
            "checkEnds",
            "replyLost",
            "replyEnds"
          ]
        }
      },
      "oneOf": [
        {
          "if": {
            "properties": {
              "kind": {
                "const": "blocked"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/healthBlocked"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "podDeclaresNoPort"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/healthPodDeclaresNoPort"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "answeredByPod"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/healthAnsweredByPod"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "healthServer"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/healthHealthServer"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "tcpCheckOfHealthServer"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/healthTcpCheckOfHealthServer"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "nothingListensOnNode"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/healthNothingListensOnNode"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "checkEnds"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/healthCheckEnds"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "replyLost"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/healthReplyLost"
          },
          "else": false
        },
        {
          "if": {
            "properties": {
              "kind": {
                "const": "replyEnds"
              }
            }
          },
          "then": {
            "$ref": "#/$defs/healthReplyEnds"
          },
          "else": false
        }
      ]
    },
    "explanation": {
      "type": "object",
      "description": "Why a path is blocked.",
      "additionalProperties": false,
      "required": [
        "code",
        "direction",
        "disposition",
        "component",
        "reason",
        "message"
      ],
      "properties": {
        "code": {
          "enum": [
            "UNKNOWN_DESTINATION",
            "ENI_SOURCE_DEST_CHECK_RESTRICTION",
            "SG_HAS_NO_RULES",
            "SG_REFERENCES_NOT_PRESERVED",
            "ENI_SG_RULES_MISMATCH",
            "SUBNET_ACL_RESTRICTION",
            "LOOP",
            "NO_ROUTE_TO_DESTINATION",
            "BAD_STATE_ROUTE",
            "IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS",
            "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS",
            "IGW_SOURCE_ADDRESS_NOT_IN_RFC1918_INGRESS",
            "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS",
            "ASYMMETRIC_ROUTE",
            "PROTOCOL_RESTRICTION",
            "NGW_REQUIRES_SOURCE_IN_VPC",
            "NGW_NO_INBOUND",
            "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR",
            "TGW_ATTACH_VPC_AZ_RESTRICTION",
            "TGW_RTB_CANNOT_ROUTE",
            "TGW_RTB_BAD_STATE_ROUTE",
            "TGW_RTB_NO_ROUTE_TO_TGW_ATTACHMENT",
            "VPCE_GATEWAY_PROTOCOL_RESTRICTION",
            "ELBV2_LISTENER_PORT_RESTRICTION",
            "ELBV2_NO_MATCHING_RULE",
            "ELBV2_FIXED_RESPONSE",
            "ELBV2_REDIRECT",
            "ELBV2_NO_TARGETS",
            "ELB_INSTALLED_AZ_RESTRICTION",
            "ELBV2_NO_TARGETS_IN_AZ",
            "ELBV2_SOURCE_ADDRESS_PRESERVATION",
            "NO_ENDPOINTS",
            "REJECTED",
            "DROPPED",
            "NETWORK_POLICY_DENIED",
            "NETWORK_POLICY_INGRESS_DENIED",
            "NETWORK_POLICY_EGRESS_DENIED",
            "CLUSTER_NETWORK_POLICY_DENIED",
            "EKS_ENDPOINT_ACCESS_DENIED",
            "EIGW_NO_INBOUND",
            "TGW_ATTACH_NO_IPV6",
            "VPCE_SERVICE_PORT",
            "TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION",
            "EXTERNAL_FIREWALL_DENIED",
            "NO_RETURN_ROUTE"
          ],
          "description": "Reachability Analyzer's explanation code, or netsim's own."
        },
        "direction": {
          "enum": [
            "forward",
            "reply"
          ]
        },
        "disposition": {
          "$ref": "#/$defs/disposition"
        },
        "component": {
          "type": "string"
        },
        "reason": {
          "$ref": "#/$defs/reason"
        },
        "message": {
          "type": "string",
          "description": "The block in words."
        },
        "location": {
          "$ref": "#/$defs/location"
        }
      }
    },
    "reasonApiServerEndpoint": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "endpoint",
        "source",
        "publicAccess",
        "privateAccess",
        "publicAccessCidrs",
        "allowed"
      ],
      "properties": {
        "kind": {
          "const": "apiServerEndpoint"
        },
        "endpoint": {
          "$ref": "#/$defs/ipAddress",
          "description": "The public endpoint's address (netsim's stand-in for what its DNS name returns)."
        },
        "source": {
          "$ref": "#/$defs/ipAddress",
          "description": "The client's address as the endpoint sees it (after any NAT)."
        },
        "publicAccess": {
          "type": "boolean"
        },
        "privateAccess": {
          "type": "boolean"
        },
        "publicAccessCidrs": {
          "type": "array",
          "items": {
            "type": "string"
          }
        },
        "matched": {
          "type": "string",
          "description": "The publicAccessCidrs block that contains the source; absent when none does."
        },
        "allowed": {
          "type": "boolean"
        }
      }
    }
  }
}
"""#
}
