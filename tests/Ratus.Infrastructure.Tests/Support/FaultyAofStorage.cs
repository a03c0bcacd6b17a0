using Ratus.Infrastructure.InMemory;

namespace Ratus.Infrastructure.Tests.Support;

/// The append-only log's files, failing on demand the way a full disk (ENOSPC on write) or a failing one (EIO on fsync)
/// makes them fail. Switches may be flipped while the engine runs.
internal sealed class FaultyAofStorage : IAofStorage
{
    private volatile bool _diskFull;
    private volatile int _partialBytes;
    private volatile bool _syncFails;
    private volatile bool _truncateFails;

    /// Every write fails with "No space left on device" (after writing <see cref="PartialBytes"/> of it).
    public bool DiskFull { get => _diskFull; set => _diskFull = value; }

    /// How many bytes a write that fails still gets onto the file, as a write cut short by a full disk does.
    public int PartialBytes { get => _partialBytes; set => _partialBytes = value; }

    /// Every fsync fails with an I/O error.
    public bool SyncFails { get => _syncFails; set => _syncFails = value; }

    /// Every truncation fails with an I/O error.
    public bool TruncateFails { get => _truncateFails; set => _truncateFails = value; }

    public Stream Create(string path) => new FaultyStream(FileAofStorage.Instance.Create(path), this);

    public Stream Open(string path) => new FaultyStream(FileAofStorage.Instance.Open(path), this);

    public void Sync(Stream file)
    {
        if (SyncFails)
        {
            throw new IOException("Input/output error");
        }

        FileAofStorage.Instance.Sync(((FaultyStream)file).Inner);
    }

    private sealed class FaultyStream(Stream inner, FaultyAofStorage storage) : Stream
    {
        public Stream Inner => inner;

        public override bool CanRead => inner.CanRead;

        public override bool CanSeek => inner.CanSeek;

        public override bool CanWrite => inner.CanWrite;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => inner.Position = value; }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

        public override void SetLength(long value)
        {
            if (storage.TruncateFails)
            {
                throw new IOException("Input/output error");
            }

            inner.SetLength(value);
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (storage.DiskFull)
            {
                inner.Write(buffer[..Math.Min(storage.PartialBytes, buffer.Length)]);
                throw new IOException("No space left on device");
            }

            inner.Write(buffer);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
