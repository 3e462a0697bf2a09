/// The Kubernetes datapath (Services, kube-proxy iptables, CNI host routing) lives here.
public enum NetsimKube {}
