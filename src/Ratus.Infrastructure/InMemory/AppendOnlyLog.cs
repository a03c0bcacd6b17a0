using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using Microsoft.Extensions.Logging;
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
/// <see cref="Append"/> runs inside the engine lock and only encodes into an in-memory buffer under a sequence
/// number; a flusher task writes everything buffered in one go (and fsyncs it, in <c>always</c> mode), and
/// <see cref="WaitAsync"/> completes once a sequence is written (and synced). In the other modes a caller that finds the
/// file free writes the buffer itself. Compaction rotates the file: the
/// current log is renamed to <c>PATH.genN</c>, a new one of generation N+1 begins, and the snapshot written next
/// records N+1, after which the rotated log is deleted.
internal sealed class AppendOnlyLog : ITaskJournal, IDisposable
{
    public const uint FormatVersion = 1;
    public const int HeaderSize = 8 + sizeof(uint) + sizeof(long);
    private const int FrameSize = 2 * sizeof(uint);
    private const byte PutKind = 1;
    private const byte DeleteKind = 2;

    private readonly string _path;
    private readonly AofFsyncMode _mode;
    private readonly long _maxSize;
    private readonly ILogger _logger;
    private readonly IAofStorage _storage;
    private readonly Lock _fileGate = new();
    private readonly Lock _bufferGate = new();
    private readonly MemoryStream _scratch = new();
    private readonly SnapshotWriter _encoder;
    private readonly SemaphoreSlim _signal = new(0);
    private readonly CancellationTokenSource _stopping = new();

    // Guarded by _bufferGate.
    private MemoryStream _active = new();
    private MemoryStream _spare = new();
    private long _appended;
    private long _written;
    private bool _flushRequested;
    private TaskCompletionSource? _waiter;
    private Exception? _failure;

    // Guarded by _fileGate.
    private Stream _file;
    private long _generation;
    private long _size;
    private bool _dirty;
    private long _lastSync = Environment.TickCount64;
    private bool _compactionRequested;
    private (Stream File, long Target, TaskCompletionSource? Waiter)? _sealing;

    private Task? _flusher;

    private AppendOnlyLog(
        string path, AofFsyncMode mode, long maxSize, ILogger logger, IAofStorage storage, Stream file, long generation)
    {
        _path = path;
        _mode = mode;
        _maxSize = maxSize;
        _logger = logger;
        _storage = storage;
        _file = file;
        _generation = generation;
        _size = file.Length;
        _encoder = new SnapshotWriter(_scratch);
    }

    /// Raised (from the flusher) once per generation when the log grows past the size limit.
    public Action? CompactionNeeded { get; set; }

    /// How many fsyncs the log has made (tests: group commit shares them).
    public long SyncCount { get; private set; }

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

    public long Size
    {
        get
        {
            lock (_fileGate)
            {
                return _size;
            }
        }
    }

    /// The highest sequence appended so far (call inside the engine lock for a consistent value).
    public long Appended
    {
        get
        {
            lock (_bufferGate)
            {
                return _appended;
            }
        }
    }

    public static string RotatedPath(string path, long generation) =>
        $"{path}.gen{generation.ToString(CultureInfo.InvariantCulture)}";

    /// Replays every log of generation &gt;= <paramref name="snapshotGeneration"/> through <paramref name="apply"/>, in
    /// order, truncates a torn tail, and opens the active log for appending.
    public static AppendOnlyLog Open(
        string path, long snapshotGeneration, AofFsyncMode mode, long maxSize, bool repair, ILogger logger, IAofStorage storage,
        Action<TaskChange> apply)
    {
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

        var maxGeneration = snapshotGeneration;
        foreach (var (generation, file) in rotated)
        {
            if (generation < snapshotGeneration)
            {
                File.Delete(file);
                continue;
            }

            Replay(file, repair, logger, apply, out var fileGeneration, out _);
            maxGeneration = Math.Max(maxGeneration, fileGeneration);
        }

        Stream stream;
        long activeGeneration;
        if (File.Exists(path) && new FileInfo(path).Length >= HeaderSize)
        {
            Replay(path, repair, logger, apply, out activeGeneration, out var validEnd);
            if (activeGeneration < snapshotGeneration)
            {
                // The snapshot already covers this log (a crash between writing the snapshot and rotating): start over.
                stream = Create(storage, path, activeGeneration = Math.Max(maxGeneration, snapshotGeneration));
            }
            else
            {
                stream = storage.Open(path);
                if (stream.Length != validEnd)
                {
                    stream.SetLength(validEnd);
                    storage.Sync(stream);
                }

                stream.Seek(0, SeekOrigin.End);
            }
        }
        else
        {
            activeGeneration = Math.Max(maxGeneration + (rotated.Count > 0 ? 1 : 0), Math.Max(snapshotGeneration, 1));
            stream = Create(storage, path, activeGeneration);
        }

        var log = new AppendOnlyLog(path, mode, maxSize, logger, storage, stream, activeGeneration);
        log._flusher = Task.Run(log.FlushLoopAsync);
        return log;
    }

    public void Append(in TaskChange change) => AppendAndSequence(change);

    /// Encodes one change into the buffer; returns its sequence number. Called inside the engine lock.
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
        lock (_bufferGate)
        {
            _active.Write(frame);
            _active.Write(payload);
            return ++_appended;
        }
    }

    /// Completes once every change up to <paramref name="sequence"/> is written (and fsynced in <c>always</c> mode).
    public ValueTask WaitAsync(long sequence)
    {
        lock (_bufferGate)
        {
            ThrowIfFailed();
            if (_written >= sequence)
            {
                return ValueTask.CompletedTask;
            }
        }

        // Without `always`, a change only has to reach the kernel before it is acknowledged: when nobody is writing,
        // the caller writes what is buffered itself and spares the two thread hand-offs to the flusher and back (a
        // quarter of a push's throughput, measured). When the file is busy, it waits for the flusher's next round,
        // which then takes everything that piled up meanwhile.
        if (_mode != AofFsyncMode.Always && TryWriteInline(sequence))
        {
            return ValueTask.CompletedTask;
        }

        TaskCompletionSource waiter;
        lock (_bufferGate)
        {
            ThrowIfFailed();
            if (_written >= sequence)
            {
                return ValueTask.CompletedTask;
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

    /// Writes out everything buffered and fsyncs it, synchronously.
    public void Sync()
    {
        lock (_fileGate)
        {
            FlushRound(forceSync: true);
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

    /// The hand-over, inside the engine lock: writes what is buffered to the current log (no sync here), renames it
    /// to PATH.genN and puts the prepared file at PATH. Returns the new generation, which the snapshot of the state at
    /// this point records. The old log is synced and closed by the next flush round (or <see cref="SealPrevious"/>),
    /// before any later change is acknowledged.
    public long Rotate(NextLog next)
    {
        lock (_fileGate)
        {
            SealPending();
            var (batch, target, waiter) = TakeBuffered();

            if (batch.Length > 0)
            {
                _file.Write(batch.GetBuffer(), 0, (int)batch.Length);
                batch.SetLength(0);
            }

            File.Move(_path, RotatedPath(_path, _generation), overwrite: true);
            File.Move(next.TemporaryPath, _path, overwrite: true);
            _sealing = (_file, target, waiter);
            _file = next.File;
            _generation = next.Generation;
            _size = _file.Length;
            _dirty = false;
            _compactionRequested = false;
            return _generation;
        }
    }

    /// Syncs and closes the log a rotation replaced, and acknowledges what it holds.
    public void SealPrevious()
    {
        lock (_fileGate)
        {
            SealPending();
        }
    }

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
            // A failed flusher has already recorded its failure.
        }

        lock (_fileGate)
        {
            try
            {
                FlushRound(forceSync: true);
            }
            catch (IOException)
            {
                // Closing: nothing more can be done.
            }

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

    /// A new log with its header written and synced, open for appending.
    private static Stream CreateAt(IAofStorage storage, string path, long generation)
    {
        var file = storage.Create(path);
        Span<byte> header = stackalloc byte[HeaderSize];
        "RATUSAOF"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], FormatVersion);
        BinaryPrimitives.WriteInt64LittleEndian(header[12..], generation);
        file.Write(header);
        storage.Sync(file);
        return file;
    }

    /// Under _fileGate: the log a rotation replaced is synced before anything after it is acknowledged.
    private void SealPending()
    {
        if (_sealing is not var (file, target, waiter))
        {
            return;
        }

        _sealing = null;
        _storage.Sync(file);
        SyncCount++;
        file.Dispose();
        lock (_bufferGate)
        {
            _written = Math.Max(_written, target);
        }

        waiter?.TrySetResult();
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
        if (version != FormatVersion)
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
                    PutKind => TaskChange.Put(TaskRecordCodec.Read(reader)),
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

            Action? compaction;
            lock (_fileGate)
            {
                try
                {
                    compaction = GroupRound(timedSync: true);
                }
                catch (IOException)
                {
                    return; // the log has failed: every waiter has been told
                }
            }

            compaction?.Invoke();
        }
    }

    // A flush round on the caller's thread, if the file is free; true once its sequence is written.
    private bool TryWriteInline(long sequence)
    {
        if (!_fileGate.TryEnter())
        {
            return false;
        }

        Action? compaction;
        try
        {
            compaction = GroupRound(timedSync: false);
        }
        finally
        {
            _fileGate.Exit();
        }

        compaction?.Invoke();
        lock (_bufferGate)
        {
            return _written >= sequence;
        }
    }

    // Under _fileGate, for the flusher and for inline writers alike: one flush round, then the compaction callback to
    // raise (once per generation) when the log outgrew its limit. A write failure fails the log for good.
    private Action? GroupRound(bool timedSync)
    {
        try
        {
            FlushRound(forceSync: false, timedSync);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            Fail(exception);
            throw new IOException($"memdb append-only log '{_path}' failed", exception);
        }

        if (_maxSize <= 0 || _size <= _maxSize || _compactionRequested)
        {
            return null;
        }

        _compactionRequested = true;
        return CompactionNeeded;
    }

    // The log can no longer be trusted: every waiter and every later change fails.
    private void Fail(Exception exception)
    {
        MemDbLog.AofFailed(_logger, _path, exception);
        TaskCompletionSource? waiter;
        lock (_bufferGate)
        {
            _failure = exception;
            waiter = _waiter;
            _waiter = null;
        }

        waiter?.TrySetException(new IOException($"memdb append-only log '{_path}' failed", exception));
    }

    private void ThrowIfFailed()
    {
        if (_failure is not null)
        {
            throw new IOException($"memdb append-only log '{_path}' failed", _failure);
        }
    }

    /// One group round, under _fileGate: takes everything buffered, writes it in one call, fsyncs it when the mode
    /// (or the caller) asks, then releases every waiter up to the highest sequence taken. <paramref name="timedSync"/>
    /// false leaves `everysec`'s once-a-second fsync to the flusher, so a request never waits for it.
    private void FlushRound(bool forceSync, bool timedSync = true)
    {
        SealPending();
        var (batch, target, waiter) = TakeBuffered();

        if (batch.Length > 0)
        {
            _file.Write(batch.GetBuffer(), 0, (int)batch.Length);
            _size += batch.Length;
            _dirty = true;
            batch.SetLength(0);
        }

        var now = Environment.TickCount64;
        if (_dirty && (forceSync || _mode == AofFsyncMode.Always || (timedSync && _mode == AofFsyncMode.Everysec && now - _lastSync >= 1000)))
        {
            _storage.Sync(_file);
            SyncCount++;
            _dirty = false;
            _lastSync = now;
        }

        lock (_bufferGate)
        {
            _written = Math.Max(_written, target);
        }

        waiter?.TrySetResult();
    }

    // Swaps the double buffer: the caller gets everything appended so far, the highest sequence it holds and the
    // waiter to release once it is written; appenders go on filling the other buffer.
    private (MemoryStream Batch, long Target, TaskCompletionSource? Waiter) TakeBuffered()
    {
        lock (_bufferGate)
        {
            var batch = _active;
            _active = _spare;
            _spare = batch;
            var waiter = _waiter;
            _waiter = null;
            _flushRequested = false;
            return (batch, _appended, waiter);
        }
    }
}
