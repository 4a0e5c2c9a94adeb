import ArgumentParser

/// `cairn demo`: a small study of secret inputs, computed by three parties in this process.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run a small demonstration: three parties compute on secret inputs.")

    func run() async throws {
        print("demo")
    }
}
