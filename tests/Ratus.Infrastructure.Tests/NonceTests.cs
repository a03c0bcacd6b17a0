using Ratus.Domain.Tasks;

namespace Ratus.Infrastructure.Tests;

[TestFixture]
public sealed class NonceTests
{
    [Test]
    public void Generate_Default_IsSeeded()
    {
        // The original's check: a seeded generator does not produce this fixed value.
        Assert.That(Nonce.Generate(16), Is.Not.EqualTo("XVlBzgbaiCMRAjWw"));
    }

    [TestCase(16)]
    [TestCase(32)]
    [TestCase(128)]
    public void Generate_HundredTimes_RightLengthAlphanumericAndUnique(int length)
    {
        var nonces = Enumerable.Range(0, 100).Select(_ => Nonce.Generate(length)).ToList();

        Assert.That(nonces, Has.All.Length.EqualTo(length));
        Assert.That(nonces, Has.All.Match("^[A-Za-z0-9]+$"));
        Assert.That(nonces, Is.Unique);
    }

    [Test]
    public void Generate_DefaultLength_IsSixteen() => Assert.That(Nonce.Generate(), Has.Length.EqualTo(16));
}
