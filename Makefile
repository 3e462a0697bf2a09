# netsim: `make demo` and `make test` work on a fresh Debian machine as root, installing what
# is missing first. Nothing here needs to be installed by hand.

SWIFT        ?= swift
BUILD_FLAGS  ?=
APT_PACKAGES := libpcap-dev zlib1g-dev tshark tcpdump iptables iproute2 pkg-config conntrack
BIN          := .build/debug/netsim

.PHONY: all deps build demo test goldens bench clean

all: build

# Install the system packages the build and the tests use, only when one is missing.
deps:
	@missing=""; \
	for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq $$missing >/dev/null || { echo "apt-get install failed:$$missing" >&2; exit 1; }; \
	fi
	@command -v kubectl >/dev/null 2>&1 || { \
	  export DEBIAN_FRONTEND=noninteractive; \
	  (apt-get install -y -qq kubectl >/dev/null 2>&1 || apt-get install -y -qq kubernetes-client >/dev/null 2>&1) \
	  && echo "installed kubectl" || echo "note: kubectl is not available from apt here; the kubectl manifest test will be skipped"; }
	@python3 -c 'import yaml, jsonschema' 2>/dev/null || python3 -m pip install -q pyyaml jsonschema
	@command -v moto_server >/dev/null 2>&1 && command -v aws >/dev/null 2>&1 || python3 -m pip install -q 'moto[server]' awscli || echo "note: moto or the AWS CLI could not be installed; the netsim import aws test against moto will be skipped"

build: deps
	$(SWIFT) build $(BUILD_FLAGS)

demo: build
	@echo '$$ netsim trace Topologies/quickstart.yaml --from deployment:shop/cart --to external:orders-db --port 5432'
	@$(BIN) trace Topologies/quickstart.yaml --from deployment:shop/cart --to external:orders-db --port 5432
	@echo
	@echo '$$ netsim trace Topologies/quickstart.yaml --from internet --to deployment:shop/cart --port 8080   (refused: exit 1)'
	@$(BIN) trace Topologies/quickstart.yaml --from internet --to deployment:shop/cart --port 8080 || true
	@echo
	@echo '$$ netsim trace Topologies/quickstart.yaml --from deployment:shop/frontend --to service:shop/cart --port 80   (through kube-proxy)'
	@$(BIN) trace Topologies/quickstart.yaml --from deployment:shop/frontend --to service:shop/cart --port 80
	@echo
	@echo '$$ netsim trace Topologies/quickstart.yaml --from internet --to ingress:shop/storefront --port 80 --path /cart   (through the ALB)'
	@$(BIN) trace Topologies/quickstart.yaml --from internet --to ingress:shop/storefront --port 80 --path /cart
	@echo
	@echo '$$ netsim trace Topologies/quickstart.yaml --from internet --to ingress:shop/storefront --port 80 --path /checkout   (no rule: the ALB answers 404, exit 1)'
	@$(BIN) trace Topologies/quickstart.yaml --from internet --to ingress:shop/storefront --port 80 --path /checkout || true
	@echo
	@echo '$$ netsim trace Topologies/multi-tenant-network-policies.yaml --from deployment:tenant-globex/shop --to service:tenant-acme/api --port 80   (the default-deny NetworkPolicy of tenant-acme refuses it, as the VPC CNI network policy agent enforces: exit 1)'
	@$(BIN) trace Topologies/multi-tenant-network-policies.yaml --from deployment:tenant-globex/shop --to service:tenant-acme/api --port 80 > .build/demo-policy.txt; echo "(exit $$?)" >> .build/demo-policy.txt; head -3 .build/demo-policy.txt; tail -1 .build/demo-policy.txt
	@echo
	@echo '$$ netsim trace Topologies/quickstart.yaml --from deployment:shop/cart --to external:orders-db --port 5432 --pcap .build/demo.pcap --handshake'
	@$(BIN) trace Topologies/quickstart.yaml --from deployment:shop/cart --to external:orders-db --port 5432 --pcap .build/demo.pcap --handshake | tail -22
	@echo
	@echo '$$ netsim replay Topologies/quickstart.yaml .build/demo.pcap'
	@$(BIN) replay Topologies/quickstart.yaml .build/demo.pcap
	@echo
	@echo '$$ netsim node Topologies/quickstart.yaml'
	@$(BIN) node Topologies/quickstart.yaml
	@echo
	@echo '$$ netsim check --strict Topologies/quickstart.yaml'
	@$(BIN) check --strict Topologies/quickstart.yaml
	@echo
	@echo '$$ netsim check Topologies/broken/overlapping-subnets.yaml   (a broken file: exit 2)'
	@$(BIN) check Topologies/broken/overlapping-subnets.yaml || true
	@echo
	@echo '$$ netsim check --format github Topologies/broken/unknown-key-typo.yaml'
	@$(BIN) check --format github Topologies/broken/unknown-key-typo.yaml || true
	@echo
	@echo '$$ netsim capacity --instance-type m5.large --custom-networking'
	@$(BIN) capacity --instance-type m5.large --custom-networking
	@echo
	@echo '$$ netsim capacity Topologies/quickstart.yaml'
	@$(BIN) capacity Topologies/quickstart.yaml
	@echo
	@echo '$$ netsim simulate Topologies/quickstart.yaml --scenario Topologies/scenarios/quickstart-black-friday.yaml'
	@$(BIN) simulate Topologies/quickstart.yaml --scenario Topologies/scenarios/quickstart-black-friday.yaml

test: deps
	$(SWIFT) build --build-tests $(BUILD_FLAGS)
	$(SWIFT) test --skip-build $(BUILD_FLAGS)

# Re-record the output goldens (Tests/Goldens) and the check SARIF goldens after a deliberate
# change; review the diff with git before committing it.
goldens: deps
	$(SWIFT) build --build-tests $(BUILD_FLAGS)
	NETSIM_RECORD=1 $(SWIFT) test --skip-build $(BUILD_FLAGS) --filter 'OutputGoldenTests|RendererTests'
	@git status --short Tests/Goldens Tests/NetsimTopologyTests/Fixtures/golden

# Benchmarks need a release build; see Benchmarks/README.md.
bench: deps
	Benchmarks/run.sh

clean:
	rm -rf .build
