namespace Ratus.Infrastructure.InMemory;

internal sealed partial class SortedChunks<T, TComparer>
    where TComparer : struct, IComparer<T>
{
    /// An allocation-free enumerator; like SortedSet's, it throws if the set changes during enumeration.
    public struct Enumerator
    {
        private readonly SortedChunks<T, TComparer> _set;
        private readonly int _version;
        private int _chunk;
        private int _index;
        private T _current;

        internal Enumerator(SortedChunks<T, TComparer> set, int chunk, int index)
        {
            _set = set;
            _version = set._version;
            _chunk = chunk;
            _index = index;
            _current = default!;
        }

        public readonly T Current => _current;

        public bool MoveNext()
        {
            if (_version != _set._version)
            {
                throw new InvalidOperationException("The set was changed during enumeration.");
            }

            while (_chunk < _set._chunkCount)
            {
                ref var chunk = ref _set.At(_chunk);
                if (_index < chunk.Count)
                {
                    _current = chunk.Items[chunk.Start + _index];
                    _index++;
                    return true;
                }

                _chunk++;
                _index = 0;
            }

            _current = default!;
            return false;
        }

        /// Lets <c>foreach</c> run over <see cref="Skip"/>'s result.
        public readonly Enumerator GetEnumerator() => this;
    }
}
