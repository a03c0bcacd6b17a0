using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Ratus.Api.Tests.Concurrency;

/// The whole API over the memdb engine, in memory only: no snapshot file, default chore and recovery intervals.
internal sealed class MemDbApiFactory : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Engine:Name", "memdb");
        builder.UseSetting("MemDb:SnapshotPath", "");
    }
}
