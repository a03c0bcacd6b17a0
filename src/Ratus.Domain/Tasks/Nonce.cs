namespace Ratus.Domain.Tasks;

// Per-claim fencing tokens: uniqueness matters, unpredictability does not.
public static class Nonce
{
    public const int Length = 16;

    private static readonly char[] Alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".ToCharArray();

    public static string Generate(int length = Length) =>
        string.Create(length, 0, static (span, _) => Random.Shared.GetItems(Alphabet, span));
}
