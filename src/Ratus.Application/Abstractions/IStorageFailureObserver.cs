namespace Ratus.Application.Abstractions;

// Told by the embedded engine each time writing its snapshot or its append-only log fails, so that a failure that only
// shows in a log line (with every request still answered) shows on the dashboard too.
public interface IStorageFailureObserver
{
    void OnSnapshotFailed();

    void OnLogFailed();
}
