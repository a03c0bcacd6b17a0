namespace Ratus.Infrastructure.InMemory;

/// How the append-only log opens and syncs its files. The engine uses <see cref="FileAofStorage"/>; tests substitute
/// one whose writes, syncs and truncations fail the way a full or failing disk makes them fail.
internal interface IAofStorage
{
    /// A new file open for reading and writing; fails if the path exists.
    Stream Create(string path);

    /// An existing file open for reading and writing.
    Stream Open(string path);

    /// Flushes the file to stable storage (fsync).
    void Sync(Stream file);
}

internal sealed class FileAofStorage : IAofStorage
{
    public static readonly FileAofStorage Instance = new();

    public Stream Create(string path) =>
        new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0);

    public Stream Open(string path) =>
        new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0);

    public void Sync(Stream file) => ((FileStream)file).Flush(flushToDisk: true);
}
