using Ratus.Infrastructure.InMemory;

namespace Ratus.Infrastructure.Tests.InMemory;

[TestFixture]
public sealed class SortedChunksTests
{
    private const int Capacity = SortedChunks<string, OrdinalComparer>.ChunkCapacity;

    [Test]
    public void Empty_HasNoElements()
    {
        var set = new SortedChunks<string, OrdinalComparer>();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(set.Count, Is.Zero);
            Assert.That(set.Min, Is.Null);
            Assert.That(set.ToArray(), Is.Empty);
            Assert.That(Enumerate(set), Is.Empty);
            Assert.That(Enumerate(set.Skip(0)), Is.Empty);
            Assert.That(Enumerate(set.Skip(5)), Is.Empty);
            Assert.That(set.Remove("a"), Is.False);
        }
    }

    [Test]
    public void Add_SingleElement_IsMinAndOnlyElement()
    {
        var set = new SortedChunks<string, OrdinalComparer>();

        var added = set.Add("a");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(added, Is.True);
            Assert.That(set.Count, Is.EqualTo(1));
            Assert.That(set.Min, Is.EqualTo("a"));
            Assert.That(Enumerate(set), Is.EqualTo(new[] { "a" }));
            Assert.That(Enumerate(set.Skip(1)), Is.Empty);
        }
    }

    [Test]
    public void Add_Duplicate_ReturnsFalseAndKeepsCount()
    {
        var set = new SortedChunks<string, OrdinalComparer>();
        for (var i = 0; i < 3 * Capacity; i++)
        {
            set.Add(Id(i));
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(set.Add(Id(0)), Is.False);
            Assert.That(set.Add(Id(Capacity)), Is.False);
            Assert.That(set.Add(Id(3 * Capacity - 1)), Is.False);
            Assert.That(set.Count, Is.EqualTo(3 * Capacity));
        }

        set.CheckInvariants();
    }

    [Test]
    public void Remove_Absent_ReturnsFalse()
    {
        var set = new SortedChunks<string, OrdinalComparer>();
        set.Add("b");
        set.Add("d");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(set.Remove("a"), Is.False);
            Assert.That(set.Remove("c"), Is.False);
            Assert.That(set.Remove("e"), Is.False);
            Assert.That(set.Count, Is.EqualTo(2));
        }
    }

    [Test]
    public void Remove_LastElement_LeavesUsableEmptySet()
    {
        var set = new SortedChunks<string, OrdinalComparer>();
        for (var i = 0; i < 2 * Capacity; i++)
        {
            set.Add(Id(i));
        }

        for (var i = 0; i < 2 * Capacity; i++)
        {
            Assert.That(set.Remove(Id(i)), Is.True);
        }

        set.CheckInvariants();
        Assert.That(set.Count, Is.Zero);
        set.Add("x");
        Assert.That(Enumerate(set), Is.EqualTo(new[] { "x" }));
    }

    [Test]
    public void Add_SequentialAppends_KeepsChunksFull()
    {
        var set = new SortedChunks<string, OrdinalComparer>();
        const int count = 100 * Capacity + 1;

        for (var i = 0; i < count; i++)
        {
            set.Add(Id(i));
        }

        set.CheckInvariants();
        Assert.That(set.ChunkCount, Is.EqualTo(101));
    }

    [Test]
    public void Add_DescendingPrepends_KeepsChunksFull()
    {
        var set = new SortedChunks<string, OrdinalComparer>();
        const int count = 20 * Capacity;

        for (var i = count - 1; i >= 0; i--)
        {
            set.Add(Id(i));
        }

        set.CheckInvariants();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(set.ChunkCount, Is.EqualTo(20));
            Assert.That(set.Min, Is.EqualTo(Id(0)));
        }
    }

    [Test]
    public void Remove_Everything_ButEveryTenth_MergesChunks()
    {
        var set = new SortedChunks<string, OrdinalComparer>();
        const int count = 50 * Capacity;
        for (var i = 0; i < count; i++)
        {
            set.Add(Id(i));
        }

        for (var i = 0; i < count; i++)
        {
            if (i % 10 != 0)
            {
                set.Remove(Id(i));
            }
        }

        set.CheckInvariants();

        // 640 elements left; no two neighbouring chunks may both be below a quarter full once merges have run.
        Assert.That(set.ChunkCount, Is.LessThanOrEqualTo(count / 10 / (Capacity / 4)));
    }

    [Test]
    public void Skip_EachOffset_MatchesOrder()
    {
        var set = new SortedChunks<string, OrdinalComparer>();
        var expected = new List<string>();
        for (var i = 0; i < 3 * Capacity + 7; i++)
        {
            set.Add(Id(i));
            expected.Add(Id(i));
        }

        for (var offset = 0; offset <= expected.Count + 1; offset += 13)
        {
            Assert.That(Enumerate(set.Skip(offset)), Is.EqualTo(expected.Skip(offset)), $"offset {offset}");
        }
    }

    [Test]
    public void Enumerate_SetChanged_Throws()
    {
        var set = new SortedChunks<string, OrdinalComparer>();
        set.Add("a");
        set.Add("b");

        Assert.That(() =>
        {
            foreach (var id in set)
            {
                set.Add(id + "x");
            }
        }, Throws.InvalidOperationException);
    }

    [Test]
    public void HeadRemovals_WithAppends_ActAsQueue()
    {
        // A FIFO queue: take the head, append past the maximum, at several sizes around one chunk.
        foreach (var size in new[] { 1, 5, Capacity - 1, Capacity, Capacity + 1, 3 * Capacity })
        {
            var set = new SortedChunks<TimeKey, ComparableComparer<TimeKey>>();
            var next = 0L;
            for (; next < size; next++)
            {
                set.Add(new TimeKey(next, "t"));
            }

            for (var step = 0; step < 5 * Capacity; step++)
            {
                var head = set.Min;
                Assert.That(head.Time, Is.EqualTo(next - size));
                Assert.That(set.Remove(head), Is.True);
                set.Add(new TimeKey(next++, "t"));
            }

            set.CheckInvariants();
            Assert.That(set.Count, Is.EqualTo(size));
            Assert.That(set.ChunkCount, Is.LessThanOrEqualTo(size / Capacity + 2));
        }
    }

    [Test]
    public void FrontAndBackChurn_OnManyChunks_MatchesSortedSet()
    {
        // Tasks scheduled before a long deferred backlog: each is added below the minimum (opening a chunk at the
        // front) and polled away again; meanwhile the back grows and shrinks. The chunk array shifts at both ends.
        var set = new SortedChunks<TimeKey, ComparableComparer<TimeKey>>();
        var oracle = new SortedSet<TimeKey>();
        var random = new Random(11);
        for (var i = 0; i < 40 * Capacity; i++)
        {
            set.Add(new TimeKey(1_000_000 + i, "b"));
            oracle.Add(new TimeKey(1_000_000 + i, "b"));
        }

        var front = 999_999L;
        var back = 1_000_000L + (40 * Capacity);
        for (var step = 0; step < 20 * Capacity; step++)
        {
            var (key, add) = random.Next(4) switch
            {
                0 => (new TimeKey(front--, "f"), true),
                1 => (new TimeKey(back++, "b"), true),
                2 => (set.Min, false),
                _ => (oracle.Max, false),
            };
            Assert.That(add ? set.Add(key) : set.Remove(key), Is.True);
            Assert.That(add ? oracle.Add(key) : oracle.Remove(key), Is.True);
            if (step % Capacity == 0)
            {
                AssertSame(set, oracle, random);
            }
        }

        AssertSame(set, oracle, random);
    }

    [TestCase(1, 300, 0.5)]
    [TestCase(2, 3000, 0.6)]
    [TestCase(3, 20000, 0.55)]
    [TestCase(4, 20000, 0.7)]
    public void RandomOperations_MatchSortedSet(int seed, int operations, double addShare)
    {
        var random = new Random(seed);
        var set = new SortedChunks<string, OrdinalComparer>();
        var oracle = new SortedSet<string>(StringComparer.Ordinal);
        var keySpace = operations / 2;

        for (var step = 0; step < operations; step++)
        {
            // Phases: mostly adds, then removal-heavy (merges), then adds again.
            var phase = step * 3 / operations;
            var share = phase == 1 ? 1 - addShare : addShare;
            var key = Id(random.Next(keySpace));
            if (random.NextDouble() < share)
            {
                Assert.That(set.Add(key), Is.EqualTo(oracle.Add(key)), $"add {key} at step {step}");
            }
            else if (random.Next(4) == 0 && oracle.Count > 0)
            {
                Assert.That(set.Remove(oracle.Min!), Is.True, $"remove min at step {step}");
                oracle.Remove(oracle.Min!);
            }
            else
            {
                Assert.That(set.Remove(key), Is.EqualTo(oracle.Remove(key)), $"remove {key} at step {step}");
            }

            Assert.That(set.Count, Is.EqualTo(oracle.Count));
            Assert.That(set.Min, Is.EqualTo(oracle.Min));
            if (step % 97 == 0)
            {
                AssertSame(set, oracle, random);
            }
        }

        AssertSame(set, oracle, random);
    }

    [TestCase(5, 20000)]
    [TestCase(6, 5000)]
    public void RandomTimeKeys_MostlyIncreasing_MatchSortedSet(int seed, int operations)
    {
        // Scheduled times: mostly appends near "now", some in the past, head removals as tasks are polled.
        var random = new Random(seed);
        var set = new SortedChunks<TimeKey, ComparableComparer<TimeKey>>();
        var oracle = new SortedSet<TimeKey>();
        var now = 0L;

        for (var step = 0; step < operations; step++)
        {
            now += random.Next(3);
            var roll = random.Next(10);
            if (roll < 6)
            {
                var key = new TimeKey(now - (random.Next(8) == 0 ? random.Next(1000) : 0), Id(random.Next(50)));
                Assert.That(set.Add(key), Is.EqualTo(oracle.Add(key)), $"add {key} at step {step}");
            }
            else if (roll < 8 && oracle.Count > 0)
            {
                Assert.That(set.Remove(oracle.Min), Is.True, $"remove min at step {step}");
                oracle.Remove(oracle.Min);
            }
            else if (oracle.Count > 0)
            {
                var key = oracle.ElementAt(random.Next(oracle.Count));
                Assert.That(set.Remove(key), Is.True, $"remove {key} at step {step}");
                oracle.Remove(key);
            }

            Assert.That(set.Count, Is.EqualTo(oracle.Count));
            Assert.That(set.Min, Is.EqualTo(oracle.Min));
            if (step % 211 == 0)
            {
                AssertSame(set, oracle, random);
            }
        }

        AssertSame(set, oracle, random);
    }

    private static string Id(int i) => i.ToString("D8", System.Globalization.CultureInfo.InvariantCulture);

    private static void AssertSame<T, TComparer>(SortedChunks<T, TComparer> set, SortedSet<T> oracle, Random random)
        where TComparer : struct, IComparer<T>
    {
        set.CheckInvariants();
        Assert.That(Enumerate(set), Is.EqualTo(oracle));
        Assert.That(set.ToArray(), Is.EqualTo(oracle));
        var offset = random.Next(oracle.Count + 2);
        Assert.That(Enumerate(set.Skip(offset)), Is.EqualTo(oracle.Skip(offset)), $"skip {offset}");
    }

    private static List<T> Enumerate<T, TComparer>(SortedChunks<T, TComparer> set)
        where TComparer : struct, IComparer<T>
    {
        var list = new List<T>();
        foreach (var item in set)
        {
            list.Add(item);
        }

        return list;
    }

    private static List<T> Enumerate<T, TComparer>(SortedChunks<T, TComparer>.Enumerator items)
        where TComparer : struct, IComparer<T>
    {
        var list = new List<T>();
        foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }
}
