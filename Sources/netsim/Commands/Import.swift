import ArgumentParser

/// `netsim import`: brings a real cluster or account in as topology files.
struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write topology files from what a real cluster or account holds.",
        subcommands: [ImportKubernetes.self]
    )
}
