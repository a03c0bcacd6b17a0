using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Ratus.Infrastructure.Tests.Fakes;
using Ratus.Application.Abstractions;
using Ratus.Infrastructure;

namespace Ratus.Api.Tests.Hosting;

public sealed class WebApplicationFactoryTests
{
    [Test]
    public async Task Factory_WithFakeEngine_OpensTheEngineAndClosesItOnDispose()
    {
        var repository = new CountingTaskRepository();
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Engine:Name", "memdb");
            builder.ConfigureTestServices(services => services.AddSingleton<ITaskRepository>(repository));
        });

        using (var client = factory.CreateClient())
        {
            Assert.Multiple(() =>
            {
                Assert.That(repository.Opened, Is.EqualTo(1));
                Assert.That(repository.Closed, Is.Zero);
                Assert.That(factory.Services.GetRequiredService<ITaskRepository>(), Is.SameAs(repository));
                Assert.That(factory.Services.GetRequiredService<IOptions<EngineOptions>>().Value.Name, Is.EqualTo("memdb"));
            });
        }

        await factory.DisposeAsync();

        Assert.That(repository.Closed, Is.EqualTo(1));
    }
}
