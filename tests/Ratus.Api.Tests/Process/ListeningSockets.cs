using System.Globalization;

namespace Ratus.Api.Tests.Process;

/// Linux only: the TCP sockets a process holds in the LISTEN state, read from /proc.
internal static class ListeningSockets
{
    private const string Listen = "0A";

    public static IReadOnlyList<string> Of(int processId)
    {
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var descriptor in Directory.EnumerateFileSystemEntries($"/proc/{processId.ToString(CultureInfo.InvariantCulture)}/fd"))
        {
            // A descriptor can close between listing and reading it.
            var target = new FileInfo(descriptor).LinkTarget;
            if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal))
            {
                inodes.Add(target["socket:[".Length..^1]);
            }
        }

        var listening = new List<string>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table))
            {
                continue;
            }

            foreach (var line in File.ReadLines(table).Skip(1))
            {
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
                var columns = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (columns.Length > 9 && columns[3] == Listen && inodes.Contains(columns[9]))
                {
                    listening.Add(columns[1]);
                }
            }
        }

        return listening;
    }
}
