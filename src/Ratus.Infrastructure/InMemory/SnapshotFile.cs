using System.Buffers.Binary;
using Ratus.Domain.Tasks;

namespace Ratus.Infrastructure.InMemory;

/// The memdb snapshot: "RATUSSNP", format version, record count, the records, and a CRC-32 of everything before it.
/// Writes go to a temporary sibling file that is flushed to disk and then renamed over the target, so a crash
/// leaves either the old snapshot or the new one.
internal static class SnapshotFile
{
    /// Version 2 added the trace parent to the task record; version 3 the generation of the append-only log that
    /// starts where the snapshot ends (every log of a lower generation is covered); version 4 the nanoseconds beyond
    /// the tick of the task record's times (<see cref="TaskRecordCodec"/>). Versions 1 to 3 are still read.
    public const uint FormatVersion = TaskRecordCodec.SubTickVersion;

    public const uint OldestReadableVersion = 1;

    private const int HeaderSize = 8 + sizeof(uint) + sizeof(long);
    private const int TrailerSize = sizeof(uint);
    private const int MinimumRecordSize = 5;

    private static ReadOnlySpan<byte> Magic => "RATUSSNP"u8;

    public static void Write(string path, IReadOnlyList<RatusTask> tasks, long logGeneration = 0)
    {
        var temporaryPath = $"{path}.{Nonce.Generate(8)}";
        try
        {
            using (var stream = new FileStream(temporaryPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1))
            {
                var writer = new SnapshotWriter(stream);
                writer.WriteBytes(Magic);
                writer.WriteUInt32(FormatVersion);
                writer.WriteInt64(logGeneration);
                writer.WriteInt64(tasks.Count);
                for (var i = 0; i < tasks.Count; i++)
                {
                    TaskRecordCodec.Write(writer, tasks[i]);
                }

                Span<byte> trailer = stackalloc byte[TrailerSize];
                BinaryPrimitives.WriteUInt32LittleEndian(trailer, writer.Complete());
                stream.Write(trailer);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporaryPath, path, overwrite: true);
        }
        catch
        {
            TryDelete(temporaryPath);
            throw;
        }
    }

    /// Returns null when there is no snapshot; throws <see cref="InvalidDataException"/> naming the path and the
    /// problem when there is one that cannot be read completely.
    public static List<RatusTask>? Read(string path) => ReadWithGeneration(path)?.Tasks;

    /// The tasks and the log generation the snapshot hands over to (0 before format version 3).
    public static (List<RatusTask> Tasks, long LogGeneration)? ReadWithGeneration(string path)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        using (stream)
        {
            try
            {
                return Read(stream);
            }
            catch (EndOfStreamException)
            {
                throw new InvalidDataException($"memdb snapshot '{path}' is truncated or corrupt: unexpected end of data");
            }
            catch (InvalidDataException exception)
            {
                throw new InvalidDataException($"memdb snapshot '{path}' is corrupt: {exception.Message}", exception);
            }
        }
    }

    private static (List<RatusTask> Tasks, long LogGeneration) Read(FileStream stream)
    {
        var length = stream.Length;
        if (length < HeaderSize + TrailerSize)
        {
            throw new EndOfStreamException();
        }

        var reader = new SnapshotReader(stream, length - TrailerSize);
        Span<byte> magic = stackalloc byte[Magic.Length];
        for (var i = 0; i < magic.Length; i++)
        {
            magic[i] = reader.ReadByte();
        }

        if (!magic.SequenceEqual(Magic))
        {
            throw new InvalidDataException("not a Ratus snapshot (bad magic)");
        }

        var version = reader.ReadUInt32();
        if (version is < OldestReadableVersion or > FormatVersion)
        {
            throw new InvalidDataException($"unsupported format version {version}");
        }

        var generation = version >= 3 ? reader.ReadInt64() : 0;
        if (generation < 0)
        {
            throw new InvalidDataException($"invalid log generation {generation}");
        }

        var count = reader.ReadInt64();
        if (count < 0 || count > reader.Remaining / MinimumRecordSize)
        {
            throw count < 0 ? new InvalidDataException($"invalid record count {count}") : new EndOfStreamException();
        }

        var tasks = new List<RatusTask>((int)count);
        for (long i = 0; i < count; i++)
        {
            tasks.Add(TaskRecordCodec.Read(reader, version));
        }

        if (reader.Remaining != 0)
        {
            throw new InvalidDataException($"{reader.Remaining} unexpected bytes after the last record");
        }

        var computed = reader.Crc;
        Span<byte> trailer = stackalloc byte[TrailerSize];
        stream.ReadExactly(trailer);
        var stored = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        if (stored != computed)
        {
            throw new InvalidDataException($"checksum mismatch (stored {stored:x8}, computed {computed:x8})");
        }

        return (tasks, generation);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The original failure matters more than a leftover temporary file.
        }
        catch (UnauthorizedAccessException)
        {
            // Same as above.
        }
    }
}
