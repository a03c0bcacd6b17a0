using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace Ratus.Infrastructure.InMemory;

/// A buffered little-endian writer that keeps a running CRC-32 of everything it has written.
internal sealed class SnapshotWriter(Stream stream)
{
    private const int BufferSize = 1 << 16;

    private readonly byte[] _buffer = new byte[BufferSize];
    private readonly Crc32 _crc = new();
    private int _position;

    public void WriteByte(byte value)
    {
        GetSpan(1)[0] = value;
        _position++;
    }

    public void WriteInt64(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(GetSpan(sizeof(long)), value);
        _position += sizeof(long);
    }

    public void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(GetSpan(sizeof(uint)), value);
        _position += sizeof(uint);
    }

    public void WriteLength(int value)
    {
        var span = GetSpan(5);
        var length = 0;
        var remaining = (uint)value;
        while (remaining >= 0x80)
        {
            span[length++] = (byte)(remaining | 0x80);
            remaining >>= 7;
        }

        span[length++] = (byte)remaining;
        _position += length;
    }

    public void WriteString(string value)
    {
        var byteCount = Encoding.UTF8.GetByteCount(value);
        WriteLength(byteCount);
        if (byteCount <= BufferSize)
        {
            // GetSpan may flush and reset the position, so it must run before the position is read.
            var written = Encoding.UTF8.GetBytes(value, GetSpan(byteCount));
            _position += written;
            return;
        }

        var rented = ArrayPool<byte>.Shared.Rent(byteCount);
        try
        {
            var written = Encoding.UTF8.GetBytes(value, rented);
            WriteBytes(rented.AsSpan(0, written));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length <= BufferSize - _position)
        {
            bytes.CopyTo(_buffer.AsSpan(_position));
            _position += bytes.Length;
            return;
        }

        Flush();
        _crc.Append(bytes);
        stream.Write(bytes);
    }

    /// Writes out the buffer and returns the CRC-32 of everything written so far.
    public uint Complete()
    {
        Flush();
        return _crc.GetCurrentHashAsUInt32();
    }

    /// Writes out the buffer and starts a new CRC-32, so one writer can frame many records (the append-only log).
    public void ResetCrc()
    {
        Flush();
        _crc.Reset();
    }

    private Span<byte> GetSpan(int size)
    {
        if (BufferSize - _position < size)
        {
            Flush();
        }

        return _buffer.AsSpan(_position);
    }

    private void Flush()
    {
        if (_position == 0)
        {
            return;
        }

        _crc.Append(_buffer.AsSpan(0, _position));
        stream.Write(_buffer, 0, _position);
        _position = 0;
    }
}
