import ArgumentParser
import CairnStudy
import CairnService
import CairnStore
import Foundation
import NIOSSL

/// `cairn serve`: the study service, the HTTP API of `docs/API.md`.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the study service: the HTTP API analysts, contributors and compute parties use.",
        discussion: """
            Keeps studies, participation links and submissions in a SQLite database in the data \
            directory, or in PostgreSQL with --database. On first start it writes the operator \
            token, which creating a study needs, to <data directory>/operator-token (readable by \
            you only). Prints `listening on http://HOST:PORT` on standard output once it accepts \
            connections; stops cleanly on SIGINT or SIGTERM.
            """)

    @Option(help: "The data directory: the SQLite database and the operator token.")
    var data: String = "cairn-data"

    @Option(help: ArgumentHelp(
        "Keep studies in PostgreSQL instead of SQLite: postgres://user@host:port/database (TLS required unless ?sslmode=disable). Keep the password off the command line: --database-password-file or CAIRN_DATABASE_PASSWORD.",
        valueName: "url"))
    var database: String?

    @Option(help: ArgumentHelp(
        "A file holding the PostgreSQL password (its first line), instead of one in the --database URL. The environment variable CAIRN_DATABASE_PASSWORD does the same.",
        valueName: "file"))
    var databasePasswordFile: String?

    @Option(help: ArgumentHelp("Close a connection after this many seconds without a byte read or written.", valueName: "seconds"))
    var idleTimeout: Int = 30

    @Option(help: ArgumentHelp("Serve at most this many connections at once; more wait until one closes.", valueName: "count"))
    var maxConnections: Int = 1000

    @Option(help: "The address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "The port to listen on (0: any free port).")
    var port: Int = 8080

    @Option(help: ArgumentHelp(
        "Serve the browser pages from this folder, read again on every request (for editing them; default: the ones installed with cairn).",
        valueName: "folder"))
    var webRoot: String?

    @Option(help: ArgumentHelp(
        "Serve HTTPS with this certificate chain (PEM); needs --tls-key. Browsers encrypt only on https:// pages (or on localhost).",
        valueName: "pem-file"))
    var tlsCertificate: String?

    @Option(help: ArgumentHelp("The private key (PEM) of --tls-certificate.", valueName: "pem-file"))
    var tlsKey: String?

    func validate() throws {
        if (tlsCertificate == nil) != (tlsKey == nil) {
            throw ValidationError("--tls-certificate and --tls-key go together: give both, or neither for plain HTTP")
        }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        if let database, !(database.hasPrefix("postgres://") || database.hasPrefix("postgresql://")) {
            throw ValidationError("--database must be a postgres:// URL")
        }
        if databasePasswordFile != nil, database == nil {
            throw ValidationError("--database-password-file goes with --database")
        }
        guard (1...86_400).contains(idleTimeout) else { throw ValidationError("--idle-timeout must be 1 to 86400 seconds") }
        guard maxConnections >= 1 else { throw ValidationError("--max-connections must be at least 1") }
    }

    /// The PostgreSQL password from --database-password-file or CAIRN_DATABASE_PASSWORD, if either
    /// is given (the file wins); `nil`: the URL's own, if any.
    static func databasePassword(file: String?, environment: [String: String]) throws -> String? {
        if let file {
            let text: String
            do { text = try LocalFile.text(at: file, what: "the database password file") } catch { throw ValidationError(error.description) }
            let password = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first
                .map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: "\r")) } ?? ""
            guard !password.isEmpty else { throw ValidationError("the database password file \(file) is empty") }
            return password
        }
        if let password = environment["CAIRN_DATABASE_PASSWORD"], !password.isEmpty { return password }
        return nil
    }

    func run() async throws {
        let folder = URL(fileURLWithPath: data)
        // Private to its owner: it holds the operator token (and, with SQLite, every submission).
        try FileManager.default.createDirectory(
            at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let tokenURL = folder.appendingPathComponent("operator-token")
        let token = try OperatorToken.loadOrCreate(at: tokenURL)

        let tls = try tlsCertificate.map { try Self.tlsConfiguration(certificate: $0, key: tlsKey ?? "") }
        let store: any StudyStore
        if let database {
            let password = try Self.databasePassword(
                file: databasePasswordFile, environment: ProcessInfo.processInfo.environment)
            store = try await PostgresStudyStore(url: database, password: password)
            Log.info("keeping studies in PostgreSQL")
        } else {
            store = try SQLiteStudyStore(directory: folder)
            Log.info("keeping studies in \(folder.appendingPathComponent(SQLiteStudyStore.fileName).path)")
        }
        Log.info("the operator token (needed to create studies) is in \(tokenURL.path)")

        let web: WebAssets
        do {
            web = try webRoot.map { try WebAssets(root: URL(fileURLWithPath: $0), reloading: true) } ?? WebAssets.locate()
        } catch {
            try? await store.close()
            throw ValidationError(String(describing: error))
        }
        let service = StudyService(
            store: store,
            configuration: ServiceConfiguration(
                operatorToken: token, idleTimeout: .seconds(idleTimeout),
                maximumConnections: maxConnections),
            web: web)
        do {
            try await service.run(host: host, port: port, tls: tls) { host, port in
                let address = "\(tls == nil ? "http" : "https")://\(host.contains(":") ? "[\(host)]" : host):\(port)"
                Log.info("study service listening on \(address); analysts start at \(address)/analyst")
                print("listening on \(address)")
                fflush(nil)
            }
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
        Log.info("study service stopped")
    }
}

extension ServeCommand {
    /// The server side of TLS from PEM files, with messages that name the file at fault.
    static func tlsConfiguration(certificate: String, key: String) throws -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificate)
        } catch {
            throw ValidationError("cannot read a PEM certificate from \(certificate): \(error)")
        }
        guard !chain.isEmpty else { throw ValidationError("\(certificate) holds no PEM certificate") }
        let privateKey: NIOSSLPrivateKey
        do {
            privateKey = try NIOSSLPrivateKey(file: key, format: .pem)
        } catch {
            throw ValidationError("cannot read a PEM private key from \(key)")
        }
        return TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(privateKey))
    }
}

/// The operator token file of `cairn serve`.
enum OperatorToken {
    /// The token in `url`, or a new one written there (mode 0600) if the file does not exist.
    static func loadOrCreate(at url: URL) throws -> String {
        if FileManager.default.fileExists(atPath: url.path) {
            let text: String
            do { text = try LocalFile.text(at: url.path, what: "the operator token file") } catch { throw ValidationError(error.description) }
            let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard token.count >= 16 else {
                throw ValidationError(
                    "the operator token file \(url.path) holds no token of at least 16 characters; delete it to make a new one")
            }
            if let mode = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.posixPermissions] as? Int,
                mode & 0o077 != 0
            {
                Log.info("warning: \(url.path) can be read by others; make it private with chmod 600")
            }
            return token
        }
        let token = ServiceConfiguration.generateOperatorToken()
        try PartyFiles.writePrivate(token + "\n", to: url)
        Log.info("wrote a new operator token to \(url.path)")
        return token
    }
}
