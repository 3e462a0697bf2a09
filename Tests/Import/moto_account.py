#!/usr/bin/env python3
"""Builds a small AWS account in moto (server mode, on a free loopback port) with the real AWS
CLI, deploys an EKS-style VPC through CloudFormation, then collects it with exactly the script
`netsim import aws --print-commands` prints. Nothing reaches the internet: every call goes to
http://127.0.0.1:PORT with fake credentials.

Usage: moto_account.py NETSIM OUTDIR
Writes the collected JSON files into OUTDIR and OUTDIR/ids.json (the ids the test asserts on).
The server is started and stopped here, also when something fails.
"""
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Account:
    def __init__(self, port, home):
        self.endpoint = "http://127.0.0.1:%d" % port
        cfg = os.path.join(home, "config")
        creds = os.path.join(home, "credentials")
        with open(cfg, "w") as f:
            f.write("[default]\nregion = us-east-1\noutput = json\n")
        with open(creds, "w") as f:
            f.write("[default]\naws_access_key_id = testing\naws_secret_access_key = testing\n")
        env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy") and not k.startswith("AWS_")}
        env.update(AWS_CONFIG_FILE=cfg, AWS_SHARED_CREDENTIALS_FILE=creds, AWS_DEFAULT_REGION="us-east-1",
                   AWS_ENDPOINT_URL=self.endpoint, AWS_PAGER="", NO_PROXY="127.0.0.1", HOME=home)
        self.env = env

    def aws(self, *args):
        cmd = ["aws", "--endpoint-url", self.endpoint, "--region", "us-east-1", "--output", "json"] + list(args)
        r = subprocess.run(cmd, env=self.env, capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            raise SystemExit("aws %s failed: %s" % (" ".join(args[:2]), r.stderr.strip()[-800:]))
        return json.loads(r.stdout) if r.stdout.strip() else {}


def tags(kind, name):
    return "ResourceType=%s,Tags=[{Key=Name,Value=%s}]" % (kind, name)


def build(a):
    ids = {}
    vpc = a.aws("ec2", "create-vpc", "--cidr-block", "10.0.0.0/16", "--tag-specifications", tags("vpc", "prod"))["Vpc"]["VpcId"]
    ids["vpc"] = vpc
    a.aws("ec2", "modify-vpc-attribute", "--vpc-id", vpc, "--enable-dns-hostnames", '{"Value":true}')
    subnets = {}
    for name, cidr, zone in [("public-a", "10.0.0.0/20", "us-east-1a"), ("public-b", "10.0.16.0/20", "us-east-1b"),
                             ("private-a", "10.0.32.0/19", "us-east-1a"), ("private-b", "10.0.64.0/19", "us-east-1b"),
                             ("db-a", "10.0.96.0/24", "us-east-1a"), ("inspection-a", "10.0.200.0/24", "us-east-1a")]:
        subnets[name] = a.aws("ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block", cidr, "--availability-zone", zone,
                              "--tag-specifications", tags("subnet", name))["Subnet"]["SubnetId"]
    ids["subnets"] = subnets
    igw = a.aws("ec2", "create-internet-gateway", "--tag-specifications", tags("internet-gateway", "igw"))["InternetGateway"]["InternetGatewayId"]
    a.aws("ec2", "attach-internet-gateway", "--internet-gateway-id", igw, "--vpc-id", vpc)
    ids["igw"] = igw
    eip = a.aws("ec2", "allocate-address", "--domain", "vpc")["AllocationId"]
    nat = a.aws("ec2", "create-nat-gateway", "--subnet-id", subnets["public-a"], "--allocation-id", eip,
                "--tag-specifications", tags("natgateway", "nat-a"))["NatGateway"]["NatGatewayId"]
    ids["nat"] = nat
    public = a.aws("ec2", "create-route-table", "--vpc-id", vpc, "--tag-specifications", tags("route-table", "public"))["RouteTable"]["RouteTableId"]
    a.aws("ec2", "create-route", "--route-table-id", public, "--destination-cidr-block", "0.0.0.0/0", "--gateway-id", igw)
    private = a.aws("ec2", "create-route-table", "--vpc-id", vpc, "--tag-specifications", tags("route-table", "private"))["RouteTable"]["RouteTableId"]
    a.aws("ec2", "create-route", "--route-table-id", private, "--destination-cidr-block", "0.0.0.0/0", "--nat-gateway-id", nat)
    for s in ["public-a", "public-b"]:
        a.aws("ec2", "associate-route-table", "--route-table-id", public, "--subnet-id", subnets[s])
    for s in ["private-a", "private-b", "db-a"]:
        a.aws("ec2", "associate-route-table", "--route-table-id", private, "--subnet-id", subnets[s])
    ids["routeTables"] = {"public": public, "private": private}
    nodes = a.aws("ec2", "create-security-group", "--vpc-id", vpc, "--group-name", "nodes", "--description", "EKS worker nodes")["GroupId"]
    a.aws("ec2", "authorize-security-group-ingress", "--group-id", nodes, "--ip-permissions",
          json.dumps([{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": nodes, "Description": "node to node"}]},
                      {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}]))
    db = a.aws("ec2", "create-security-group", "--vpc-id", vpc, "--group-name", "db", "--description", "orders database")["GroupId"]
    a.aws("ec2", "authorize-security-group-ingress", "--group-id", db, "--ip-permissions",
          json.dumps([{"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "UserIdGroupPairs": [{"GroupId": nodes}],
                       "IpRanges": [{"CidrIp": "10.0.32.0/19", "Description": "nodes in private-a"}, {"CidrIp": "10.0.64.0/19", "Description": "nodes in private-b"}]}]))
    a.aws("ec2", "revoke-security-group-egress", "--group-id", db, "--ip-permissions",
          json.dumps([{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]))
    ids["securityGroups"] = {"nodes": nodes, "db": db}
    acl = a.aws("ec2", "create-network-acl", "--vpc-id", vpc, "--tag-specifications", tags("network-acl", "db"))["NetworkAcl"]["NetworkAclId"]
    for egress, n, proto, ports, cidr, action in [(False, 100, "6", (5432, 5432), "10.0.0.0/16", "allow"),
                                                   (False, 200, "-1", None, "0.0.0.0/0", "deny"),
                                                   (True, 100, "6", (1024, 65535), "10.0.0.0/16", "allow")]:
        args = ["ec2", "create-network-acl-entry", "--network-acl-id", acl, "--rule-number", str(n), "--protocol", proto,
                "--rule-action", action, "--cidr-block", cidr, "--egress" if egress else "--ingress"]
        if ports:
            args += ["--port-range", "From=%d,To=%d" % ports]
        a.aws(*args)
    assoc = None
    for n in a.aws("ec2", "describe-network-acls")["NetworkAcls"]:
        for x in n.get("Associations", []):
            if x.get("SubnetId") == subnets["db-a"]:
                assoc = x["NetworkAclAssociationId"]
    a.aws("ec2", "replace-network-acl-association", "--association-id", assoc, "--network-acl-id", acl)
    ids["nacl"] = acl
    # An appliance: a network interface without source/destination check, a route target.
    eni = a.aws("ec2", "create-network-interface", "--subnet-id", subnets["inspection-a"], "--private-ip-address", "10.0.200.10",
                "--groups", nodes, "--tag-specifications", tags("network-interface", "firewall"))["NetworkInterface"]["NetworkInterfaceId"]
    a.aws("ec2", "modify-network-interface-attribute", "--network-interface-id", eni, "--no-source-dest-check")
    a.aws("ec2", "create-route", "--route-table-id", public, "--destination-cidr-block", "10.99.0.0/16", "--network-interface-id", eni)
    ids["eni"] = eni
    # A database host and a plain instance.
    ami = sorted(i["ImageId"] for i in a.aws("ec2", "describe-images", "--owners", "amazon")["Images"])[0]
    inst = a.aws("ec2", "run-instances", "--image-id", ami, "--instance-type", "t3.micro", "--subnet-id", subnets["db-a"],
                 "--private-ip-address", "10.0.96.10", "--security-group-ids", db, "--count", "1",
                 "--tag-specifications", tags("instance", "orders-db"))["Instances"][0]["InstanceId"]
    ids["instance"] = inst
    # A peer VPC and its peering connection, with routes both ways.
    shared = a.aws("ec2", "create-vpc", "--cidr-block", "10.1.0.0/16", "--tag-specifications", tags("vpc", "shared"))["Vpc"]["VpcId"]
    shared_subnet = a.aws("ec2", "create-subnet", "--vpc-id", shared, "--cidr-block", "10.1.0.0/24", "--availability-zone", "us-east-1a",
                          "--tag-specifications", tags("subnet", "tools-a"))["Subnet"]["SubnetId"]
    shared_rt = a.aws("ec2", "create-route-table", "--vpc-id", shared, "--tag-specifications", tags("route-table", "tools"))["RouteTable"]["RouteTableId"]
    a.aws("ec2", "associate-route-table", "--route-table-id", shared_rt, "--subnet-id", shared_subnet)
    pcx = a.aws("ec2", "create-vpc-peering-connection", "--vpc-id", vpc, "--peer-vpc-id", shared,
                "--tag-specifications", tags("vpc-peering-connection", "prod-to-shared"))["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    a.aws("ec2", "accept-vpc-peering-connection", "--vpc-peering-connection-id", pcx)
    a.aws("ec2", "create-route", "--route-table-id", private, "--destination-cidr-block", "10.1.0.0/16", "--vpc-peering-connection-id", pcx)
    a.aws("ec2", "create-route", "--route-table-id", shared_rt, "--destination-cidr-block", "10.0.0.0/16", "--vpc-peering-connection-id", pcx)
    ids["shared"] = shared
    ids["pcx"] = pcx
    # Endpoints: S3 (gateway) on the private table, STS (interface) with private DNS.
    s3 = a.aws("ec2", "create-vpc-endpoint", "--vpc-id", vpc, "--vpc-endpoint-type", "Gateway", "--service-name", "com.amazonaws.us-east-1.s3",
               "--route-table-ids", private)["VpcEndpoint"]["VpcEndpointId"]
    sts = a.aws("ec2", "create-vpc-endpoint", "--vpc-id", vpc, "--vpc-endpoint-type", "Interface", "--service-name", "com.amazonaws.us-east-1.sts",
                "--subnet-ids", subnets["private-a"], subnets["private-b"], "--security-group-ids", nodes, "--private-dns-enabled")["VpcEndpoint"]["VpcEndpointId"]
    ids["endpoints"] = {"s3": s3, "sts": sts}
    # The EKS-style VPC through CloudFormation.
    with open(os.path.join(HERE, "eks-vpc-template.yaml")) as f:
        body = f.read()
    a.aws("cloudformation", "create-stack", "--stack-name", "eks-vpc", "--template-body", body)
    outputs = {}
    for _ in range(60):
        st = a.aws("cloudformation", "describe-stacks", "--stack-name", "eks-vpc")["Stacks"][0]
        if st["StackStatus"].endswith("_COMPLETE"):
            outputs = {o["OutputKey"]: o["OutputValue"] for o in st.get("Outputs", [])}
            break
        time.sleep(0.5)
    ids["eksVpc"] = outputs.get("VpcId")
    # A transit gateway joining prod and the EKS VPC, with its own route table.
    tgw = a.aws("ec2", "create-transit-gateway", "--description", "core", "--options",
                "DefaultRouteTableAssociation=disable,DefaultRouteTablePropagation=disable",
                "--tag-specifications", tags("transit-gateway", "core-tgw"))["TransitGateway"]["TransitGatewayId"]
    eks_subnets = outputs.get("SubnetIds", "").split(",")
    att_prod = a.aws("ec2", "create-transit-gateway-vpc-attachment", "--transit-gateway-id", tgw, "--vpc-id", vpc,
                     "--subnet-ids", subnets["private-a"], subnets["private-b"])["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    att_eks = a.aws("ec2", "create-transit-gateway-vpc-attachment", "--transit-gateway-id", tgw, "--vpc-id", outputs["VpcId"],
                    "--subnet-ids", eks_subnets[2], eks_subnets[3])["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    rtb = a.aws("ec2", "create-transit-gateway-route-table", "--transit-gateway-id", tgw,
                "--tag-specifications", tags("transit-gateway-route-table", "spokes"))["TransitGatewayRouteTable"]["TransitGatewayRouteTableId"]
    for att in (att_prod, att_eks):
        a.aws("ec2", "associate-transit-gateway-route-table", "--transit-gateway-route-table-id", rtb, "--transit-gateway-attachment-id", att)
    a.aws("ec2", "create-transit-gateway-route", "--transit-gateway-route-table-id", rtb, "--destination-cidr-block", "10.0.0.0/16", "--transit-gateway-attachment-id", att_prod)
    a.aws("ec2", "create-transit-gateway-route", "--transit-gateway-route-table-id", rtb, "--destination-cidr-block", "192.168.0.0/16", "--transit-gateway-attachment-id", att_eks)
    a.aws("ec2", "create-route", "--route-table-id", private, "--destination-cidr-block", "192.168.0.0/16", "--transit-gateway-id", tgw)
    ids["tgw"] = {"id": tgw, "routeTable": rtb, "prod": att_prod, "eks": att_eks}
    # The EKS cluster and a managed node group.
    a.aws("eks", "create-cluster", "--name", "demo", "--role-arn", "arn:aws:iam::123456789012:role/eks",
          "--resources-vpc-config", "subnetIds=%s,%s,securityGroupIds=%s" % (subnets["private-a"], subnets["private-b"], nodes))
    a.aws("eks", "create-nodegroup", "--cluster-name", "demo", "--nodegroup-name", "general", "--node-role", "arn:aws:iam::123456789012:role/node",
          "--subnets", subnets["private-a"], subnets["private-b"], "--instance-types", "m5.large",
          "--scaling-config", "minSize=1,maxSize=3,desiredSize=2")
    return ids


def main():
    netsim, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    port = free_port()
    home = tempfile.mkdtemp(prefix="netsim-moto-")
    log = open(os.path.join(home, "moto.log"), "w")
    server = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=log, start_new_session=True)
    try:
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen("http://127.0.0.1:%d/moto-api/" % port, timeout=2).read()
                break
            except Exception:
                if server.poll() is not None or time.time() > deadline:
                    raise SystemExit("moto_server did not start")
                time.sleep(0.2)
        a = Account(port, home)
        ids = build(a)
        script = subprocess.run([netsim, "import", "aws", "--print-commands"], capture_output=True, text=True, check=True).stdout
        with open(os.path.join(home, "collect.sh"), "w") as f:
            f.write(script)
        env = dict(a.env, REGION="us-east-1", PROFILE="default", CLUSTER="demo")
        r = subprocess.run(["sh", os.path.join(home, "collect.sh")], cwd=out, env=env, capture_output=True, text=True, timeout=600)
        with open(os.path.join(out, "ids.json.txt"), "w") as f:
            json.dump(ids, f, indent=1, sort_keys=True)
        sys.stderr.write(r.stderr)
        print(json.dumps(ids, sort_keys=True))
    finally:
        try:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=10)
        except Exception:
            try:
                os.killpg(server.pid, signal.SIGKILL)
            except Exception:
                pass


if __name__ == "__main__":
    main()
