using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace Ratus.Infrastructure.InMemory;

/// A buffered little-endian reader over the first <c>length</c> bytes of a stream that keeps a running CRC-32.
/// Every read is bounds-checked against the remaining length, so a corrupt length never allocates more than the file holds.
internal sealed class SnapshotReader(Stream stream, long length)
{
    private const int BufferSize = 1 << 16;
    private const int MaxInternedStrings = 4096;

    private readonly byte[] _buffer = new byte[BufferSize];
    private readonly char[] _chars = new char[BufferSize];
    private readonly Crc32 _crc = new();
    private readonly HashSet<string> _interned = new(StringComparer.Ordinal) { "" };
    private int _position;
    private int _end;
    private long _unread = length;

    public long Remaining => _end - _position + _unread;

    public uint Crc => _crc.GetCurrentHashAsUInt32();

    public byte ReadByte() => Read(1)[0];

    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(Read(sizeof(long)));

    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Read(sizeof(uint)));

    public int ReadLength()
    {
        uint value = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            var b = ReadByte();
            value |= (uint)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                if (value > int.MaxValue || value > Remaining)
                {
                    throw new InvalidDataException($"a length of {value} exceeds the remaining data");
                }

                return (int)value;
            }
        }

        throw new InvalidDataException("malformed length prefix");
    }

    /// Reads a length-prefixed UTF-8 string. Interned strings (topics, producers, consumers) are shared
    /// between records so that a million tasks of one topic hold one topic string.
    public string ReadString(bool intern)
    {
        var byteCount = ReadLength();
        if (byteCount == 0)
        {
            return "";
        }

        if (byteCount > BufferSize)
        {
            return Encoding.UTF8.GetString(ReadBytes(byteCount));
        }

        var bytes = Read(byteCount);
        if (!intern)
        {
            return Encoding.UTF8.GetString(bytes);
        }

        var chars = _chars.AsSpan(0, Encoding.UTF8.GetChars(bytes, _chars));
        var lookup = _interned.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(chars, out var existing))
        {
            return existing;
        }

        var created = new string(chars);
        if (_interned.Count < MaxInternedStrings)
        {
            _interned.Add(created);
        }

        return created;
    }

    public byte[] ReadBytes(int count)
    {
        if (count > Remaining)
        {
            throw new EndOfStreamException();
        }

        var result = new byte[count];
        var buffered = Math.Min(count, _end - _position);
        _buffer.AsSpan(_position, buffered).CopyTo(result);
        _position += buffered;
        if (buffered < count)
        {
            var rest = result.AsSpan(buffered);
            stream.ReadExactly(rest);
            _crc.Append(rest);
            _unread -= rest.Length;
        }

        return result;
    }

    private ReadOnlySpan<byte> Read(int count)
    {
        if (_end - _position < count)
        {
            Fill(count);
        }

        var span = _buffer.AsSpan(_position, count);
        _position += count;
        return span;
    }

    private void Fill(int count)
    {
        var buffered = _end - _position;
        if (count > Remaining)
        {
            throw new EndOfStreamException();
        }

        _buffer.AsSpan(_position, buffered).CopyTo(_buffer);
        _position = 0;
        _end = buffered;
        while (_end < count)
        {
            var toRead = (int)Math.Min(BufferSize - _end, _unread);
            var read = stream.Read(_buffer, _end, toRead);
            if (read == 0)
            {
                throw new EndOfStreamException();
            }

            _crc.Append(_buffer.AsSpan(_end, read));
            _end += read;
            _unread -= read;
        }
    }
}
