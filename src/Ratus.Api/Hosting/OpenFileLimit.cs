using System.Runtime.InteropServices;

namespace Ratus.Api.Hosting;

/// The process's limit on open file descriptors (RLIMIT_NOFILE): Current is the soft limit the kernel enforces,
/// Maximum the hard limit it may be raised to. Null means unlimited, or no such limit on this platform (Windows).
internal sealed record OpenFileLimit(long? Current, long? Maximum)
{
    // Descriptors kept back from connections for what else the process opens: the runtime keeps every loaded assembly
    // open (about 300 at start), plus the snapshot, the append-only log, the console and MongoDB's pooled sockets.
    private const long Reserve = 512;

    private const int LinuxNoFile = 7;
    private const int MacOSNoFile = 8;

    // macOS refuses a soft limit above OPEN_MAX (or kern.maxfilesperproc) even when the hard limit is unlimited.
    private const long MacOSOpenMax = 10240;

    public static OpenFileLimit None { get; } = new(null, null);

    /// The default of --max-connections: the current limit less a reserve of 512 descriptors or 10 % of the limit,
    /// whichever is more, but never less than half the limit. Once every descriptor is taken the server can no longer
    /// accept a connection even to close it, stops answering, and its memory grows until it dies; below the limit,
    /// Kestrel accepts and closes the connections above it and serves the others.
    public long? DefaultMaxConnections =>
        Current is { } limit ? Math.Max(limit / 2, limit - Math.Max(Reserve, limit / 10)) : null;

    /// Raises the soft limit to the hard one, as a server that holds one descriptor per connection wants, and returns
    /// the limits in force. The .NET runtime already does this on Linux; this keeps it true wherever the server runs.
    public static OpenFileLimit RaiseToMaximum()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return None;
        }

        var resource = OperatingSystem.IsMacOS() ? MacOSNoFile : LinuxNoFile;
        if (GetLimit(resource, out var limit) != 0)
        {
            return None;
        }

        if (limit.Current < limit.Maximum)
        {
            var raised = limit with { Current = limit.Maximum };
            if (SetLimit(resource, raised) == 0)
            {
                limit = raised;
            }
            else if (OperatingSystem.IsMacOS() && limit.Current < MacOSOpenMax)
            {
                raised = limit with { Current = (nuint)Math.Min((ulong)limit.Maximum, MacOSOpenMax) };
                if (SetLimit(resource, raised) == 0)
                {
                    limit = raised;
                }
            }
        }

        return new(ToLimit(limit.Current), ToLimit(limit.Maximum));
    }

    // RLIM_INFINITY is all ones on Linux and 2^63 - 1 on macOS.
    private static long? ToLimit(nuint value) => (ulong)value >= long.MaxValue ? null : (long)value;

    [DllImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static extern int GetLimit(int resource, out ResourceLimit limit);

    [DllImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static extern int SetLimit(int resource, in ResourceLimit limit);

    // struct rlimit: two rlim_t, which is an unsigned long on Linux and macOS.
    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct ResourceLimit(nuint Current, nuint Maximum);
}
