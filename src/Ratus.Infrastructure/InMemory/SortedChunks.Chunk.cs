namespace Ratus.Infrastructure.InMemory;

internal sealed partial class SortedChunks<T, TComparer>
    where TComparer : struct, IComparer<T>
{
    private struct Chunk(T[] items, int start, int count)
    {
        public T[] Items = items;
        public int Start = start;
        public int Count = count;

        public readonly T Last => Items[Start + Count - 1];

        /// The element's index in the window, or the bitwise complement of where it would be inserted.
        public readonly int IndexOf(T item)
        {
            // The head first: removing the minimum is the commonest removal (polls, recovery, purges).
            if (Count > 0 && Compare(Items[Start], item) == 0)
            {
                return 0;
            }

            int low = 0, high = Count - 1;
            while (low <= high)
            {
                var middle = low + ((high - low) >> 1);
                var order = Compare(Items[Start + middle], item);
                if (order == 0)
                {
                    return middle;
                }

                if (order < 0)
                {
                    low = middle + 1;
                }
                else
                {
                    high = middle - 1;
                }
            }

            return ~low;
        }

        public void InsertAt(int i, T item)
        {
            // Shift the shorter side; if it has no room, first move the whole window so all free room is on that side
            // (a queue that appends and takes the head within one chunk then moves its window once per lap, not per add).
            if (Count - i <= i)
            {
                if (Start + Count == Items.Length)
                {
                    MoveTo(0);
                }

                Array.Copy(Items, Start + i, Items, Start + i + 1, Count - i);
            }
            else
            {
                if (Start == 0)
                {
                    MoveTo(Items.Length - Count);
                }

                Array.Copy(Items, Start, Items, Start - 1, i);
                Start--;
            }

            Items[Start + i] = item;
            Count++;
        }

        public void RemoveAt(int i)
        {
            if (i < Count / 2)
            {
                Array.Copy(Items, Start, Items, Start + 1, i);
                Items[Start] = default!;
                Start++;
            }
            else
            {
                Array.Copy(Items, Start + i + 1, Items, Start + i, Count - i - 1);
                Items[Start + Count - 1] = default!;
            }

            Count--;
            if (Count == 0)
            {
                Start = 0;
            }
        }

        /// Moves the window to begin at <paramref name="start"/>, clearing the slots it leaves.
        public void MoveTo(int start)
        {
            if (start == Start)
            {
                return;
            }

            Array.Copy(Items, Start, Items, start, Count);
            if (start < Start)
            {
                var from = Math.Max(start + Count, Start);
                Array.Clear(Items, from, Start + Count - from);
            }
            else
            {
                Array.Clear(Items, Start, Math.Min(Count, start - Start));
            }

            Start = start;
        }

        public void Grow(int capacity)
        {
            var items = new T[capacity];
            Array.Copy(Items, Start, items, 0, Count);
            Items = items;
            Start = 0;
        }
    }
}
