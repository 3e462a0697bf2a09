/// IP address management: see Docs/capacity.md. Engines here do no I/O.
