namespace Ratus.Application.Abstractions;

// Told by the engines how many expired promises their recovery returned to pending, per topic, whichever path
// recovered them (the recovery loop, the chore, or a poll).
public interface ITaskRecoveryObserver
{
    void OnRecovered(string topic, long count);
}
