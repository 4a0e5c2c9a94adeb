import Foundation

/// Reading a file someone named (on the command line, in a configuration), saying why when it
/// cannot be read: "cannot read tables.csv: there is no such file".
public enum LocalFile {
    /// The bytes of the file at `path`.
    ///
    /// - Parameter what: what the file is, for the message (`"the study definition"`), or `nil`.
    public static func data(at path: String, what: String? = nil) throws(LocalFileError) -> Data {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            let folder = (path as NSString).deletingLastPathComponent
            let reason = !folder.isEmpty && !FileManager.default.fileExists(atPath: folder)
                ? "there is no such file (not even the folder \(folder))" : "there is no such file"
            throw LocalFileError(path: path, what: what, reason: reason)
        }
        if isFolder.boolValue { throw LocalFileError(path: path, what: what, reason: "it is a folder, not a file") }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw LocalFileError(path: path, what: what, reason: "permission denied: this user may not read it")
        }
        do { return try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw LocalFileError(path: path, what: what, reason: error.localizedDescription)
        }
    }

    /// The text of the file at `path`, which must be UTF-8 (a byte order mark is kept for the
    /// reader to skip).
    public static func text(at path: String, what: String? = nil) throws(LocalFileError) -> String {
        let bytes = try data(at: path, what: what)
        guard let text = String(data: bytes, encoding: .utf8) else {
            throw LocalFileError(path: path, what: what, reason: "it is not UTF-8 text; save it again as CSV UTF-8 (or plain UTF-8 text)")
        }
        return text
    }
}

/// A file that cannot be read, and why.
public struct LocalFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    /// What the file is (`"the study definition"`), or `nil`.
    public var what: String?
    /// Why, in plain words: "there is no such file", "it is a folder, not a file", ….
    public var reason: String

    public var description: String { "cannot read \(what.map { "\($0) " } ?? "")\(path): \(reason)" }
}
