using System.Reflection;
using Ratus.Api.Hosting;

namespace Ratus.Api.Tests.Hosting;

public sealed class StartupArgumentsTests
{
    // Exactly what WebApplicationFactory<Program> passed to the entry point for a test that called
    // UseSetting("Engine:Name", "memdb"), observed with Microsoft.AspNetCore.Mvc.Testing 10.0.15.
    private static readonly string[] FactoryArgs =
    [
        "--environment=Development", "--Engine=", "--Engine:Name=memdb", "--contentRoot=/src/Ratus.Api", "--applicationName=ratus",
    ];

    private static readonly Assembly TestHost = typeof(StartupArgumentsTests).Assembly;

    private static readonly Assembly Server = typeof(StartupArguments).Assembly;

    [Test]
    public void IsHostFactoryInvocation_FactoryArgumentsInAnotherEntryAssembly_True()
    {
        Assert.That(StartupArguments.IsHostFactoryInvocation(FactoryArgs, TestHost), Is.True);
    }

    [Test]
    public void IsHostFactoryInvocation_ServerIsTheEntryAssembly_False()
    {
        Assert.That(StartupArguments.IsHostFactoryInvocation(FactoryArgs, Server), Is.False);
    }

    [TestCase("--no-such-flag")]
    [TestCase("-p=80")]
    [TestCase("positional")]
    public void IsHostFactoryInvocation_AnythingButHostSettings_False(string extra)
    {
        Assert.That(StartupArguments.IsHostFactoryInvocation([.. FactoryArgs, extra], TestHost), Is.False);
    }

    [Test]
    public void IsHostFactoryInvocation_HostKeysMissing_False()
    {
        Assert.That(StartupArguments.IsHostFactoryInvocation(["--port=80", "--engine=memdb"], TestHost), Is.False);
    }
}
