/// Where the store file is: `--store`, then `FIELDNOTES_STORE`, then `$FIELDNOTES_HOME/notes.sqlite`.
public enum StoreLocation {
    /// The file name inside `FIELDNOTES_HOME`.
    public static let fileName = "notes.sqlite"

    /// The store path for an explicit option and the environment.
    ///
    /// `FIELDNOTES_HOME` defaults to `$XDG_DATA_HOME/fieldnotes`, else `~/.local/share/fieldnotes`.
    public static func resolve(option: String?, environment: [String: String]) -> String {
        if let option, !option.isEmpty { return option }
        if let store = environment["FIELDNOTES_STORE"], !store.isEmpty { return store }
        return home(environment: environment) + "/" + fileName
    }

    /// The fieldnotes data folder.
    public static func home(environment: [String: String]) -> String {
        if let home = environment["FIELDNOTES_HOME"], !home.isEmpty { return home }
        if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty { return xdg + "/fieldnotes" }
        let user = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? "."
        return user + "/.local/share/fieldnotes"
    }
}
