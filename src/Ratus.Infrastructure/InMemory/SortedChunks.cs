namespace Ratus.Infrastructure.InMemory;

/// An ordered set stored as a list of sorted arrays ("chunks") of up to <see cref="ChunkCapacity"/> elements, found by
/// a binary search over the chunks' last elements and then within one chunk. The memdb keeps two of these per pending
/// task; a SortedSet node costs 48-56 B per element, a chunk slot costs the element itself (8 B for an ID, 16 B for a
/// <see cref="TimeKey"/>) plus the unused share of its chunk.
///
/// Keeping chunks full: IDs and scheduled times mostly arrive in increasing order, so an append past the maximum into a
/// full last chunk starts a new chunk instead of splitting it (a split would leave every chunk half full). Removals
/// drop empty chunks and merge a chunk that falls below a quarter into a neighbour when both fit in one.
///
/// Each chunk's elements occupy a window [Start, Start + Count) of its array, so removing a chunk's head (every poll,
/// every recovery) advances Start instead of shifting the rest; an insert shifts whichever side of the window is shorter.
///
/// The comparer is a struct type argument so that comparisons are direct calls, without boxing or interface dispatch.
internal sealed partial class SortedChunks<T, TComparer>
    where TComparer : struct, IComparer<T>
{
    internal const int ChunkCapacity = 128;

    // A set starts with a small chunk that grows up to ChunkCapacity: topics with a handful of tasks stay small.
    private const int InitialCapacity = 4;

    private const int MergeBelow = ChunkCapacity / 4;

    private Chunk[] _chunks = [];
    private int _first;
    private int _chunkCount;
    private T[]? _spare;
    private int _count;
    private int _version;

    public int Count => _count;

    /// The smallest element, or the default value when the set is empty (as SortedSet).
    public T Min => _count == 0 ? default! : At(0).Items[At(0).Start];

    /// The number of chunks, for tests of how full they are kept.
    internal int ChunkCount => _chunkCount;

    /// Adds an element; returns false if the set already holds it.
    public bool Add(T item)
    {
        if (_chunkCount == 0)
        {
            InsertChunk(0, new Chunk(new T[InitialCapacity], 0, 0));
        }

        var c = FindChunk(item);
        var i = At(c).IndexOf(item);
        if (i >= 0)
        {
            return false;
        }

        i = ~i;
        ref var chunk = ref At(c);
        if (chunk.Count == chunk.Items.Length)
        {
            if (chunk.Items.Length < ChunkCapacity)
            {
                chunk.Grow(Math.Min(chunk.Items.Length * 2, ChunkCapacity));
            }
            else if (i == chunk.Count && c == _chunkCount - 1)
            {
                AddChunkWith(_chunkCount, item);
                return true;
            }
            else if (i == 0 && c == 0)
            {
                AddChunkWith(0, item);
                return true;
            }
            else
            {
                var half = Split(c);
                if (i > half)
                {
                    c++;
                    i -= half;
                }

                chunk = ref At(c);
            }
        }

        chunk.InsertAt(i, item);
        _count++;
        _version++;
        return true;
    }

    /// Removes an element; returns false if the set does not hold it.
    public bool Remove(T item)
    {
        if (_count == 0)
        {
            return false;
        }

        var c = FindChunk(item);
        ref var chunk = ref At(c);
        var i = chunk.IndexOf(item);
        if (i < 0)
        {
            return false;
        }

        chunk.RemoveAt(i);
        _count--;
        _version++;
        if (chunk.Count == 0)
        {
            // The sole chunk stays while it is small, so a queue that keeps emptying does not allocate on every add.
            if (_chunkCount > 1 || chunk.Items.Length > InitialCapacity)
            {
                RemoveChunk(c);
            }
        }
        else if (chunk.Count < MergeBelow && _chunkCount > 1)
        {
            MergeWithNeighbour(c);
        }

        return true;
    }

    public T[] ToArray()
    {
        var array = new T[_count];
        var offset = 0;
        for (var c = 0; c < _chunkCount; c++)
        {
            ref var chunk = ref At(c);
            Array.Copy(chunk.Items, chunk.Start, array, offset, chunk.Count);
            offset += chunk.Count;
        }

        return array;
    }

    public Enumerator GetEnumerator() => new(this, 0, 0);

    /// Enumerates from the element at <paramref name="offset"/> in order; finding it walks chunk counts, not elements.
    public Enumerator Skip(int offset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var c = 0;
        while (c < _chunkCount && offset >= At(c).Count)
        {
            offset -= At(c).Count;
            c++;
        }

        return new Enumerator(this, c, c < _chunkCount ? offset : 0);
    }

    /// Tests: throws if the chunks are out of order, miscounted or holding stale slots.
    internal void CheckInvariants()
    {
        var total = 0;
        var hasPrevious = false;
        T previous = default!;
        for (var c = 0; c < _chunkCount; c++)
        {
            var chunk = At(c);
            if (chunk.Count == 0 && _chunkCount > 1)
            {
                throw new InvalidOperationException($"chunk {c} of {_chunkCount} is empty");
            }

            if (chunk.Start < 0 || chunk.Start + chunk.Count > chunk.Items.Length)
            {
                throw new InvalidOperationException($"chunk {c} window [{chunk.Start}, +{chunk.Count}) is outside its array");
            }

            for (var k = 0; k < chunk.Items.Length; k++)
            {
                var inside = k >= chunk.Start && k < chunk.Start + chunk.Count;
                if (!inside && !EqualityComparer<T>.Default.Equals(chunk.Items[k], default))
                {
                    throw new InvalidOperationException($"chunk {c} keeps a stale element at {k}");
                }

                if (inside)
                {
                    if (hasPrevious && default(TComparer).Compare(previous, chunk.Items[k]) >= 0)
                    {
                        throw new InvalidOperationException($"chunk {c} is out of order at {k}");
                    }

                    previous = chunk.Items[k];
                    hasPrevious = true;
                }
            }

            total += chunk.Count;
        }

        if (total != _count)
        {
            throw new InvalidOperationException($"chunks hold {total} elements, count is {_count}");
        }
    }

    /// The first chunk whose last element is not below <paramref name="item"/>, or the last chunk if there is none.
    /// The ends are tried first: most adds append and most removals take the head.
    private int FindChunk(T item)
    {
        var last = _chunkCount - 1;
        if (last == 0 || Compare(item, At(0).Last) <= 0)
        {
            return 0;
        }

        if (Compare(item, At(last - 1).Last) > 0)
        {
            return last;
        }

        int low = 1, high = last - 1;
        while (low < high)
        {
            var middle = low + ((high - low) >> 1);
            if (Compare(At(middle).Last, item) < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    private static int Compare(T x, T y) => default(TComparer).Compare(x, y);

    private void AddChunkWith(int index, T item)
    {
        var items = NewChunkArray();
        items[0] = item;
        InsertChunk(index, new Chunk(items, 0, 1));
        _count++;
        _version++;
    }

    /// Moves the upper half of full chunk <paramref name="c"/> into a new chunk after it; returns the lower half's count.
    private int Split(int c)
    {
        ref var chunk = ref At(c);
        var half = chunk.Count / 2;
        var upper = chunk.Count - half;
        var items = NewChunkArray();
        Array.Copy(chunk.Items, chunk.Start + half, items, 0, upper);
        Array.Clear(chunk.Items, chunk.Start + half, upper);
        chunk.Count = half;
        InsertChunk(c + 1, new Chunk(items, 0, upper));
        return half;
    }

    /// Merges the under-full chunk <paramref name="c"/> with its smaller neighbour when both fit in one array. Only the
    /// first chunk is ever smaller than <see cref="ChunkCapacity"/>, and it grows to full size before a second exists.
    private void MergeWithNeighbour(int c)
    {
        var previous = c > 0 ? At(c - 1).Count : int.MaxValue;
        var next = c < _chunkCount - 1 ? At(c + 1).Count : int.MaxValue;
        var left = previous <= next ? c - 1 : c;
        ref var a = ref At(left);
        ref var b = ref At(left + 1);
        var total = a.Count + b.Count;
        if (total <= a.Items.Length)
        {
            a.MoveTo(0);
            Array.Copy(b.Items, b.Start, a.Items, a.Count, b.Count);
            a.Count = total;
            RemoveChunk(left + 1);
        }
    }

    // The chunk array is a deque: chunks occupy [_first, _first + _chunkCount), and inserting or removing a chunk shifts
    // the shorter side. A queue adds chunks at one end and drops them at the other; shifting every other chunk each
    // time cost microseconds at a million elements.
    private void InsertChunk(int index, Chunk chunk)
    {
        var frontShorter = index < _chunkCount - index;
        if (frontShorter ? _first == 0 : _first + _chunkCount == _chunks.Length)
        {
            Recenter();
        }

        if (frontShorter)
        {
            Array.Copy(_chunks, _first, _chunks, _first - 1, index);
            _first--;
        }
        else
        {
            Array.Copy(_chunks, _first + index, _chunks, _first + index + 1, _chunkCount - index);
        }

        At(index) = chunk;
        _chunkCount++;
    }

    private void RemoveChunk(int index)
    {
        KeepSpare(At(index).Items);
        if (index < _chunkCount - 1 - index)
        {
            Array.Copy(_chunks, _first, _chunks, _first + 1, index);
            _chunks[_first] = default;
            _first++;
        }
        else
        {
            Array.Copy(_chunks, _first + index + 1, _chunks, _first + index, _chunkCount - 1 - index);
            _chunks[_first + _chunkCount - 1] = default;
        }

        _chunkCount--;
    }

    // Room on both sides of the chunks.
    private void Recenter()
    {
        var capacity = Math.Max(8, (_chunkCount * 2) + 2);
        var recentered = new Chunk[capacity];
        var first = (capacity - _chunkCount) / 2;
        Array.Copy(_chunks, _first, recentered, first, _chunkCount);
        _chunks = recentered;
        _first = first;
    }

    // One dropped full-size array is kept for the next new chunk: a queue that keeps opening and emptying a chunk at
    // one end would otherwise allocate one per element.
    private void KeepSpare(T[] items)
    {
        if (items.Length == ChunkCapacity)
        {
            Array.Clear(items);
            _spare = items;
        }
    }

    private T[] NewChunkArray()
    {
        var items = _spare ?? new T[ChunkCapacity];
        _spare = null;
        return items;
    }

    private ref Chunk At(int c) => ref _chunks[_first + c];
}
