using System.Runtime.InteropServices;

namespace ImageSearch.Ingestor.Cli;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM ask the running command to stop: its token is cancelled and the process lives on, so the
/// command can finish what it handed over, print its summary and exit with its own code. A second signal ends the process
/// at once, for when that is taking too long. The CLI owns these signals alone: System.CommandLine's handler (which would
/// exit before the summary) and the host's console lifetime are kept out of it.
/// </summary>
internal sealed class InterruptSignals : IDisposable
{
    private readonly CancellationTokenSource _interrupt = new();
    private readonly PosixSignalRegistration[] _registrations;

    public InterruptSignals() =>
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle)];

    public CancellationToken Token => _interrupt.Token;

    private void Handle(PosixSignalContext context)
    {
        if (_interrupt.IsCancellationRequested)
            return; // the second one: let the runtime end the process
        context.Cancel = true;
        Console.Error.WriteLine($"{context.Signal}: stopping (again to quit at once)");
        _interrupt.Cancel();
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
            registration.Dispose();
        _interrupt.Dispose();
    }
}
