using Ratus.Application.Abstractions;

namespace Ratus.Infrastructure.Tests.Support;

/// Counts the storage failures an engine reports (the metrics' source).
public sealed class CountingFailureObserver : IStorageFailureObserver
{
    private int _snapshotFailures;
    private int _logFailures;

    public int SnapshotFailures => Volatile.Read(ref _snapshotFailures);

    public int LogFailures => Volatile.Read(ref _logFailures);

    public void OnSnapshotFailed() => Interlocked.Increment(ref _snapshotFailures);

    public void OnLogFailed() => Interlocked.Increment(ref _logFailures);
}
