using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using Microsoft.Extensions.Logging;
using Ratus.Application.Abstractions;
using Ratus.Domain.Errors;
using Ratus.Domain.Tasks;

namespace Ratus.Infrastructure.InMemory;

/// When the append-only log is flushed to stable storage.
public enum AofFsyncMode
{
    /// Every acknowledged change is on disk; concurrent writers share one fsync (group commit).
    Always,

    /// Written to the operating system before the response, fsynced once a second.
    Everysec,

    /// Written to the operating system before the response; the kernel decides when it reaches the disk.
    No,
}

/// The memdb append-only log. The file is a header ("RATUSAOF", format version, generation) followed by records:
/// payload length (uint32), CRC-32 of the payload (uint32), payload (kind byte, then a task record or an ID).
/// Format 1 holds the task records of snapshot format 3; format 2 those of snapshot format 4, with nanoseconds.
/// <see cref="Append"/> encodes a change into a buffer and <see cref="TryWrite"/> writes the buffer with one call, both
/// inside the engine lock: a change is in the file (the kernel's page cache) before any reader can see it, and a change
/// the file refuses is undone by the engine before it releases the lock. In <c>always</c> mode <see cref="WaitAsync"/>
/// completes once a flusher's fsync covers the change, and one fsync covers every change written while the previous one
/// ran (group commit); in <c>everysec</c> the flusher fsyncs once a second.
/// A write, fsync or truncation that fails puts the log in a fault, reported once (log line, metric): readiness fails
/// and changes are refused until the fault clears. A failed write whose torn bytes were cut off clears with the next
/// write that succeeds; anything else (a failed fsync, a torn record that could not be cut off) makes the file
/// untrustworthy, and only a compaction clears it, since the snapshot it writes holds everything in memory.
/// Compaction rotates the file: the current log is renamed to <c>PATH.genN</c>, a new one of generation N+1 begins, and
/// the snapshot written next records N+1, after which the rotated log is deleted.
internal sealed class AppendOnlyLog : ITaskJournal, IDisposable
{
    public const uint FormatVersion = 2;
    public const int HeaderSize = 8 + sizeof(uint) + sizeof(long);

    /// The reason clients and readiness are given while the log is in a fault.
    public const string Unwritable = "memdb append-only log cannot be written";

    private const int FrameSize = 2 * sizeof(uint);
    private const byte PutKind = 1;
    private const byte DeleteKind = 2;

    private readonly string _path;
    private readonly AofFsyncMode _mode;
    private readonly long _maxSize;
    private readonly ILogger _logger;
    private readonly IAofStorage _storage;
    private readonly IStorageFailureObserver? _observer;
    private readonly Lock _fileGate = new();
    private readonly Lock _syncGate = new();
    private readonly Lock _faultGate = new();
    private readonly MemoryStream _scratch = new();
    private readonly MemoryStream _buffer = new();
    private readonly SnapshotWriter _encoder;
    private readonly SemaphoreSlim _signal = new(0);
    private readonly CancellationTokenSource _stopping = new();

    // Guarded by the engine lock; Rotate also holds _fileGate while it replaces the file and its generation.
    private Stream _file;
    private long _generation;
    private long _size;
    private long _appended;
    private bool _compactionRequested;

    // The highest sequence in the file: written inside the engine lock, read by the flusher.
    private long _written;

    // Guarded by _syncGate.
    private long _synced;
    private bool _flushRequested;
    private TaskCompletionSource? _waiter;

    // Guarded by _fileGate.
    private long _lastSync = Environment.TickCount64;
    private (Stream File, long Target, long Generation)? _sealing;

    // Changed under _faultGate.
    private volatile LogFault? _fault;

    private Task? _flusher;

    private AppendOnlyLog(
        string path, AofFsyncMode mode, long maxSize, ILogger logger, IAofStorage storage, IStorageFailureObserver? observer,
        Stream file, long generation)
    {
        _path = path;
        _mode = mode;
        _maxSize = maxSize;
        _logger = logger;
        _storage = storage;
        _observer = observer;
        _file = file;
        _generation = generation;
        _size = file.Length;
        _encoder = new SnapshotWriter(_scratch);
    }

    /// Raised inside the engine lock, once per generation, when the log grows past the size limit; must not block.
    public Action? CompactionNeeded { get; set; }

    /// How many fsyncs the log has made (tests: group commit shares them).
    public long SyncCount { get; private set; }

    /// Whether the log is in a fault: changes are refused and readiness fails until it clears.
    public bool Faulted => _fault is not null;

    public long Generation
    {
        get
        {
            lock (_fileGate)
            {
                return _generation;
            }
        }
    }

    public long Size => Volatile.Read(ref _size);

    /// The highest sequence appended so far (call inside the engine lock for a consistent value).
    public long Appended => Volatile.Read(ref _appended);

    public static string RotatedPath(string path, long generation) =>
        $"{path}.gen{generation.ToString(CultureInfo.InvariantCulture)}";

    /// Replays, in order, the logs that continue the snapshot (generation <paramref name="snapshotGeneration"/>, or 1
    /// for a snapshot written without the log or for no snapshot), truncates a torn tail, and opens the active log for
    /// appending. Logs the snapshot covers are deleted. A log that does not continue the chain (older than the snapshot,
    /// a generation missing in between, the active log missing or empty although the snapshot names one) stops
    /// start-up with a message, unless <see cref="MemDbOptions.AofRepair"/> (then the older one is discarded, the rest
    /// replayed, and a warning says so).
    public static AppendOnlyLog Open(
        MemDbOptions options, long snapshotGeneration, bool snapshotFound, ILogger logger, IAofStorage storage,
        IStorageFailureObserver? observer, Action<TaskChange> apply)
    {
        var path = options.AofPath;
        var repair = options.AofRepair;
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var prefix = Path.GetFileName(path) + ".gen";
        var rotated = new SortedDictionary<long, string>();
        foreach (var file in Directory.EnumerateFiles(directory, prefix + "*"))
        {
            if (long.TryParse(Path.GetFileName(file).AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var g))
            {
                rotated[g] = file;
            }
        }

        // A next log prepared by a compaction that never handed over.
        foreach (var file in Directory.EnumerateFiles(directory, Path.GetFileName(path) + ".next-*"))
        {
            File.Delete(file);
        }

        var chain = new GenerationChain(options.EffectiveSnapshotPath, snapshotGeneration, snapshotFound, repair, logger);
        foreach (var (generation, file) in rotated)
        {
            if (generation < snapshotGeneration)
            {
                File.Delete(file);
                continue;
            }

            if (chain.Continues(file, ReadGeneration(file)))
            {
                Replay(file, repair, logger, apply, out _, out _);
            }
            else
            {
                File.Delete(file);
            }
        }

        Stream stream;
        long activeGeneration;
        if (File.Exists(path) && new FileInfo(path).Length >= HeaderSize && chain.Continues(path, ReadGeneration(path)))
        {
            Replay(path, repair, logger, apply, out activeGeneration, out var validEnd);
            stream = storage.Open(path);
            if (stream.Length != validEnd)
            {
                stream.SetLength(validEnd);
                storage.Sync(stream);
            }

            UpgradeFormat(stream, storage);
            stream.Seek(0, SeekOrigin.End);
        }
        else
        {
            if (File.Exists(path) && new FileInfo(path).Length < HeaderSize)
            {
                chain.Fail(
                    $"memdb append-only log '{path}' is empty (shorter than its {HeaderSize}-byte header), but {chain.Source} hands over to generation {chain.Expected}",
                    "restore it, or start with --memdb-aof-repair to start without it", "started without it");
            }
            else if (!File.Exists(path) && chain.MissingIsALoss)
            {
                chain.Fail(
                    $"memdb append-only log '{path}' is missing, but {chain.Source} hands over to its generation {chain.Expected}: the changes made after the snapshot are missing",
                    "restore it, or start with --memdb-aof-repair to start from the snapshot alone", "started from the snapshot alone");
            }

            stream = Create(storage, path, activeGeneration = chain.Expected);
        }

        var log = new AppendOnlyLog(path, options.AofFsync, options.AofMaxSize, logger, storage, observer, stream, activeGeneration);
        log._flusher = Task.Run(log.FlushLoopAsync);
        return log;
    }

    public void Append(in TaskChange change) => AppendAndSequence(change);

    /// Encodes one change into the buffer; returns its sequence number. Called inside the engine lock, followed by
    /// <see cref="TryWrite"/> before the lock is released.
    public long AppendAndSequence(in TaskChange change)
    {
        _scratch.SetLength(0);
        _encoder.ResetCrc();
        _scratch.SetLength(0);
        if (change.Kind == TaskChangeKind.Put)
        {
            _encoder.WriteByte(PutKind);
            TaskRecordCodec.Write(_encoder, change.Task!);
        }
        else
        {
            _encoder.WriteByte(DeleteKind);
            _encoder.WriteString(change.Id);
        }

        var crc = _encoder.Complete();
        var payload = _scratch.GetBuffer().AsSpan(0, (int)_scratch.Length);
        Span<byte> frame = stackalloc byte[FrameSize];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(frame[sizeof(uint)..], crc);
        _buffer.Write(frame);
        _buffer.Write(payload);
        var sequence = _appended + 1;
        Volatile.Write(ref _appended, sequence);
        return sequence;
    }

    /// Inside the engine lock: writes every change appended since the last call, with one write. False when the log
    /// refuses them (a fault, new or standing): they are dropped, and the engine must undo them before it releases the
    /// lock. The bytes of a write that failed half-way are cut off, so the file ends with its last whole record.
    public bool TryWrite()
    {
        if (_buffer.Length == 0)
        {
            return true;
        }

        if (_fault is { Broken: true })
        {
            Drop();
            return false;
        }

        try
        {
            _file.Write(_buffer.GetBuffer(), 0, (int)_buffer.Length);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            Drop();
            if (CutTornTail() is { } cutFailure)
            {
                Report(new IOException($"{exception.Message}; cutting off the torn record failed too: {cutFailure.Message}", exception), broken: true, _generation);
            }
            else
            {
                Report(exception, broken: false, _generation);
            }

            return false;
        }

        Volatile.Write(ref _size, _size + _buffer.Length);
        _buffer.SetLength(0);
        Volatile.Write(ref _written, _appended);
        if (_fault is { Broken: false })
        {
            Clear(fault => !fault.Broken);
        }

        if (_maxSize > 0 && _size > _maxSize && !_compactionRequested)
        {
            _compactionRequested = true;
            CompactionNeeded?.Invoke();
        }

        return true;
    }

    /// Completes once every change up to <paramref name="sequence"/> (already written) is as durable as the mode
    /// promises: at once, except in <c>always</c> mode, where it waits for the flusher's next fsync.
    public ValueTask WaitAsync(long sequence)
    {
        if (_mode != AofFsyncMode.Always)
        {
            return ValueTask.CompletedTask;
        }

        TaskCompletionSource waiter;
        lock (_syncGate)
        {
            if (_synced >= sequence)
            {
                return ValueTask.CompletedTask;
            }

            if (_fault is { Broken: true })
            {
                throw new ServiceUnavailableException(Unwritable);
            }

            waiter = _waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!_flushRequested)
            {
                _flushRequested = true;
                _signal.Release();
            }
        }

        return new ValueTask(waiter.Task);
    }

    /// Fsyncs everything written so far, now. Throws when it cannot (the fault is reported).
    public void Sync()
    {
        lock (_fileGate)
        {
            if (SyncRound(force: true) is { } failure)
            {
                throw new IOException($"memdb append-only log '{_path}' could not be synced: {failure.Message}", failure);
            }
        }
    }

    /// Tests: keeps every flush round waiting until <paramref name="release"/> is set, so writers pile up behind one.
    internal void HoldFlushes(ManualResetEventSlim held, ManualResetEventSlim release)
    {
        lock (_fileGate)
        {
            held.Set();
            release.Wait();
        }
    }

    /// Outside the engine lock: creates (header written and synced) the file the next generation will use.
    public NextLog PrepareNext()
    {
        long generation;
        lock (_fileGate)
        {
            generation = _generation + 1;
        }

        var temporaryPath = $"{_path}.next-{Nonce.Generate(8)}";
        return new NextLog(temporaryPath, CreateAt(_storage, temporaryPath, generation), generation);
    }

    /// The hand-over, inside the engine lock (after every change was written): renames the current log to PATH.genN
    /// and puts the prepared file at PATH. Returns the new generation, which the snapshot of the state at this point
    /// records. The old log is synced and closed by the next flush round (or <see cref="SealPrevious"/>), before any
    /// later change is acknowledged. When the hand-over fails, the current log stays and the prepared one is deleted.
    public long Rotate(NextLog next)
    {
        ArgumentNullException.ThrowIfNull(next);
        lock (_fileGate)
        {
            try
            {
                if (_buffer.Length > 0)
                {
                    throw new InvalidOperationException("memdb append-only log: changes appended but not written");
                }

                if (SealPending() is { } failure)
                {
                    throw new IOException($"memdb append-only log '{_path}': the previous log could not be synced: {failure.Message}", failure);
                }

                var rotatedPath = RotatedPath(_path, _generation);
                File.Move(_path, rotatedPath, overwrite: true);
                try
                {
                    File.Move(next.TemporaryPath, _path);
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                {
                    File.Move(rotatedPath, _path);
                    throw;
                }
            }
            catch
            {
                next.File.Dispose();
                DeleteIfExists(next.TemporaryPath);
                throw;
            }

            _sealing = (_file, Volatile.Read(ref _written), _generation);
            _file = next.File;
            _generation = next.Generation;
            Volatile.Write(ref _size, _file.Length);
            _compactionRequested = false;
            return _generation;
        }
    }

    /// Syncs and closes the log a rotation replaced. A failure is reported, not thrown: the snapshot that follows
    /// holds everything the log held, and clears the fault once written.
    public void SealPrevious()
    {
        lock (_fileGate)
        {
            SealPending();
        }
    }

    /// A snapshot of <paramref name="snapshotGeneration"/> holds everything the logs before that generation held: a
    /// fault of theirs no longer matters.
    public void SnapshotWritten(long snapshotGeneration) => Clear(fault => fault.Generation < snapshotGeneration);

    /// Deletes the rotated logs a snapshot of <paramref name="snapshotGeneration"/> covers.
    public void DeleteCovered(long snapshotGeneration)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(_path))!;
        var prefix = Path.GetFileName(_path) + ".gen";
        foreach (var file in Directory.EnumerateFiles(directory, prefix + "*"))
        {
            if (long.TryParse(Path.GetFileName(file).AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var g)
                && g < snapshotGeneration)
            {
                File.Delete(file);
            }
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        try
        {
            _flusher?.Wait();
        }
        catch (AggregateException)
        {
            // The flusher reports its own failures.
        }

        lock (_fileGate)
        {
            // Closing: a failure is reported, and nothing more can be done.
            SyncRound(force: true);
            _file.Dispose();
        }

        _signal.Dispose();
        _stopping.Dispose();
    }

    private static Stream Create(IAofStorage storage, string path, long generation)
    {
        var temporaryPath = $"{path}.{Nonce.Generate(8)}";
        var file = CreateAt(storage, temporaryPath, generation);
        File.Move(temporaryPath, path, overwrite: true);
        return file;
    }

    /// A new log with its header written and synced, open for appending; nothing is left behind when that fails.
    private static Stream CreateAt(IAofStorage storage, string path, long generation)
    {
        var file = storage.Create(path);
        try
        {
            Span<byte> header = stackalloc byte[HeaderSize];
            "RATUSAOF"u8.CopyTo(header);
            BinaryPrimitives.WriteUInt32LittleEndian(header[8..], FormatVersion);
            BinaryPrimitives.WriteInt64LittleEndian(header[12..], generation);
            file.Write(header);
            storage.Sync(file);
            return file;
        }
        catch
        {
            file.Dispose();
            DeleteIfExists(path);
            throw;
        }
    }

    private static void DeleteIfExists(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // A leftover temporary file is deleted at the next start; the failure being handled matters more.
        }
    }

    /// The generation in a log's header (validated like <see cref="Replay"/> validates it).
    private static long ReadGeneration(string path)
    {
        Span<byte> header = stackalloc byte[HeaderSize];
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0))
        {
            if (stream.ReadAtLeast(header, HeaderSize, throwOnEndOfStream: false) < HeaderSize || !header[..8].SequenceEqual("RATUSAOF"u8))
            {
                throw new InvalidDataException($"memdb append-only log '{path}' is corrupt at offset 0: not a Ratus log (bad header)");
            }
        }

        var version = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
        if (version is < 1 or > FormatVersion)
        {
            throw new InvalidDataException($"memdb append-only log '{path}': unsupported format version {version}");
        }

        return BinaryPrimitives.ReadInt64LittleEndian(header[12..]);
    }

    /// Validates the framing of a whole log, then decodes its valid records. A bad record followed by a valid one is
    /// corruption in the middle: an error naming the file and offset, unless <paramref name="repair"/> (then the log is
    /// cut at the last good record). A bad record with nothing valid after it is a torn tail: cut with a warning.
    private static void Replay(
        string path, bool repair, ILogger logger, Action<TaskChange> apply, out long generation, out long validEnd)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < HeaderSize || !bytes.AsSpan(0, 8).SequenceEqual("RATUSAOF"u8))
        {
            throw new InvalidDataException($"memdb append-only log '{path}' is corrupt at offset 0: not a Ratus log (bad header)");
        }

        var version = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        if (version is < 1 or > FormatVersion)
        {
            throw new InvalidDataException($"memdb append-only log '{path}': unsupported format version {version}");
        }

        generation = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(12));
        long offset = HeaderSize;
        while (offset < bytes.Length)
        {
            if (!IsValidRecord(bytes, offset, out var length))
            {
                if (FindValidRecord(bytes, offset + 1) is { } next)
                {
                    if (!repair)
                    {
                        throw new InvalidDataException(
                            $"memdb append-only log '{path}' is corrupt at offset {offset} (a valid record follows at offset {next}); " +
                            "start with --memdb-aof-repair to keep the records before it and drop the rest");
                    }

                    MemDbLog.AofRepaired(logger, path, offset, bytes.Length - offset);
                }
                else
                {
                    MemDbLog.AofTornTail(logger, path, offset, bytes.Length - offset);
                }

                break;
            }

            offset += FrameSize + length;
        }

        validEnd = offset;
        using var stream = new MemoryStream(bytes, HeaderSize, (int)(validEnd - HeaderSize), writable: false);
        var reader = new SnapshotReader(stream, validEnd - HeaderSize);
        long position = HeaderSize;
        while (reader.Remaining > 0)
        {
            var length = reader.ReadUInt32();
            reader.ReadUInt32();
            var before = reader.Remaining;
            try
            {
                var kind = reader.ReadByte();
                apply(kind switch
                {
                    PutKind => TaskChange.Put(TaskRecordCodec.Read(reader, RecordVersion(version))),
                    DeleteKind => TaskChange.Delete(reader.ReadString(intern: false)),
                    _ => throw new InvalidDataException($"unknown record kind {kind}"),
                });
                if (before - reader.Remaining != length)
                {
                    throw new InvalidDataException("record length mismatch");
                }
            }
            catch (Exception exception) when (exception is InvalidDataException or EndOfStreamException)
            {
                throw new InvalidDataException($"memdb append-only log '{path}' is corrupt at offset {position}: {exception.Message}", exception);
            }

            position += FrameSize + length;
        }
    }

    /// The snapshot format whose task records a log of the given format holds (see the class comment).
    private static uint RecordVersion(uint logVersion) => logVersion < 2 ? 3u : 4u;

    /// A log of an older format goes on in the current one: its records read the same in it (a record differs only
    /// when it has nanoseconds beyond the tick, which older servers never wrote). The header says so before any
    /// record of the current format is appended.
    private static void UpgradeFormat(Stream stream, IAofStorage storage)
    {
        Span<byte> version = stackalloc byte[sizeof(uint)];
        stream.Seek(8, SeekOrigin.Begin);
        stream.ReadExactly(version);
        if (BinaryPrimitives.ReadUInt32LittleEndian(version) == FormatVersion)
        {
            return;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(version, FormatVersion);
        stream.Seek(8, SeekOrigin.Begin);
        stream.Write(version);
        storage.Sync(stream);
    }

    private static bool IsValidRecord(byte[] bytes, long offset, out int length)
    {
        length = 0;
        if (bytes.Length - offset < FrameSize)
        {
            return false;
        }

        var declared = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan((int)offset));
        if (declared == 0 || declared > bytes.Length - offset - FrameSize)
        {
            return false;
        }

        length = (int)declared;
        var crc = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan((int)offset + sizeof(uint)));
        return Crc32.HashToUInt32(bytes.AsSpan((int)offset + FrameSize, length)) == crc;
    }

    private static long? FindValidRecord(byte[] bytes, long from)
    {
        for (var offset = from; offset <= bytes.Length - FrameSize - 1; offset++)
        {
            if (IsValidRecord(bytes, offset, out _))
            {
                return offset;
            }
        }

        return null;
    }

    /// A prepared next log: its temporary name, the open file and its generation.
    internal sealed record NextLog(string TemporaryPath, Stream File, long Generation);

    /// Why the log refuses changes. <paramref name="Broken"/>: the file can no longer be trusted, and only a snapshot
    /// of a later generation clears it; otherwise the next write that succeeds does.
    private sealed record LogFault(string Reason, long Generation, bool Broken);

    /// Checks, log by log, that the logs found continue the snapshot: each one's generation is the one after the log
    /// before it, and the first is the one the snapshot hands over to.
    private sealed class GenerationChain(string snapshotPath, long snapshotGeneration, bool snapshotFound, bool repair, ILogger logger)
    {
        private string? _previous;

        public long Expected { get; private set; } = Math.Max(snapshotGeneration, 1);

        /// Without any log, only a snapshot written with the log on (generation 1 or more) proves that one is missing.
        public bool MissingIsALoss => _previous is null && snapshotGeneration > 0;

        /// What hands over to the generation expected next, for messages.
        public string Source => _previous is not null
            ? $"the log before it ('{_previous}')"
            : snapshotFound ? $"snapshot '{snapshotPath}'" : $"the start without a snapshot (none at '{snapshotPath}')";

        /// True when the log at <paramref name="path"/> is to be replayed: its generation continues the chain, or
        /// repair replays it across missing ones. False when repair discards it as older than the chain.
        public bool Continues(string path, long generation)
        {
            if (generation == Expected)
            {
                Advance(path, generation);
                return true;
            }

            if (generation < Expected)
            {
                Fail(
                    $"memdb append-only log '{path}' is generation {generation}, older than the generation {Expected} that {Source} hands over to: " +
                    "its changes predate that state, and replaying them over it would undo later changes",
                    "remove it, or start with --memdb-aof-repair to discard it", "discarded it");
                return false;
            }

            var missing = generation - Expected == 1
                ? $"generation {Expected} is"
                : $"generations {Expected} to {generation - 1} are";
            Fail(
                $"memdb append-only log '{path}' is generation {generation}, but {Source} hands over to generation {Expected}: the log of {missing} missing",
                "restore it, or start with --memdb-aof-repair to replay the logs that are there", "replayed it anyway");
            Advance(path, generation);
            return true;
        }

        public void Fail(string problem, string advice, string repaired)
        {
            if (!repair)
            {
                throw new InvalidDataException($"{problem}; {advice}");
            }

            MemDbLog.AofGenerationRepaired(logger, problem, repaired);
        }

        private void Advance(string path, long generation)
        {
            _previous = path;
            Expected = generation + 1;
        }
    }

    private async Task FlushLoopAsync()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await _signal.WaitAsync(_mode == AofFsyncMode.Everysec ? TimeSpan.FromSeconds(1) : Timeout.InfiniteTimeSpan, token)
                    .ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            lock (_fileGate)
            {
                SyncRound(force: false);
            }
        }
    }

    /// One group round, under _fileGate: seals a rotated log, fsyncs what has been written when the mode (or the
    /// caller) asks, and releases the writers waiting for it; or fails them, when the log is broken or the fsync fails.
    /// Returns the failure (already reported), or null.
    private Exception? SyncRound(bool force)
    {
        TaskCompletionSource? waiter;
        long target;
        lock (_syncGate)
        {
            waiter = _waiter;
            _waiter = null;
            _flushRequested = false;
            target = Volatile.Read(ref _written);
        }

        var failure = SealPending();
        if (failure is null && _fault is { Broken: true } fault)
        {
            failure = new IOException(fault.Reason);
        }

        if (failure is null)
        {
            var now = Environment.TickCount64;
            bool due;
            lock (_syncGate)
            {
                due = target > _synced
                    && (force || _mode == AofFsyncMode.Always || (_mode == AofFsyncMode.Everysec && now - _lastSync >= 1000));
            }

            if (due)
            {
                try
                {
                    _storage.Sync(_file);
                    SyncCount++;
                    _lastSync = now;
                    lock (_syncGate)
                    {
                        _synced = Math.Max(_synced, target);
                    }
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                {
                    Report(exception, broken: true, _generation);
                    failure = exception;
                }
            }
        }

        if (failure is null)
        {
            waiter?.TrySetResult();
        }
        else
        {
            waiter?.TrySetException(new ServiceUnavailableException(Unwritable));
        }

        return failure;
    }

    /// Under _fileGate: syncs and closes the log a rotation replaced, before anything after it is acknowledged.
    /// Returns the failure (already reported), or null.
    private Exception? SealPending()
    {
        if (_sealing is not var (file, target, generation))
        {
            return null;
        }

        _sealing = null;
        try
        {
            _storage.Sync(file);
            SyncCount++;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            Report(exception, broken: true, generation);
            return exception;
        }
        finally
        {
            file.Dispose();
        }

        lock (_syncGate)
        {
            _synced = Math.Max(_synced, target);
        }

        return null;
    }

    // The changes appended since the last write are refused: their sequences are given out again.
    private void Drop()
    {
        _buffer.SetLength(0);
        Volatile.Write(ref _appended, Volatile.Read(ref _written));
    }

    // After a failed write: cuts whatever part of it reached the file, so the log ends with its last whole record.
    // Returns the failure, or null.
    private Exception? CutTornTail()
    {
        try
        {
            _file.SetLength(_size);
            _file.Seek(_size, SeekOrigin.Begin);
            return null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return exception;
        }
    }

    // Counts every failure; logs only the one that starts a fault, so a full disk is one line, not one per request.
    private void Report(Exception exception, bool broken, long generation)
    {
        _observer?.OnLogFailed();
        bool starts;
        lock (_faultGate)
        {
            // A fault only clears once every generation it touched is covered, and a broken one stays broken.
            var current = _fault;
            starts = current is null;
            _fault = new LogFault(
                current?.Reason ?? exception.Message, Math.Max(current?.Generation ?? generation, generation), broken || current is { Broken: true });
        }

        if (starts)
        {
            MemDbLog.AofFaulted(_logger, _path, exception.Message);
        }
    }

    private void Clear(Func<LogFault, bool> cleared)
    {
        lock (_faultGate)
        {
            if (_fault is not { } fault || !cleared(fault))
            {
                return;
            }

            _fault = null;
        }

        MemDbLog.AofWritableAgain(_logger, _path);
    }
}
