using FluentValidation;

namespace Ratus.Application.Common;

// Task IDs and topics may not contain control characters (docs/protocol.md, D10): the
// whole of Unicode's Cc category, which is char.IsControl. C0 (U+0000–U+001F) and DEL (U+007F) because a NUL can be
// sent in a JSON string but never addressed in a path (Kestrel refuses %00), and line breaks, escapes and the like
// forge log lines and drive terminals. C1 (U+0080–U+009F) for the same reason: NEL (U+0085) is a line break to many
// tools and CSI (U+009B) an escape to some terminals, and no C1 character has a printable use in a name.
public static class ControlCharacterRule
{
    public static IRuleBuilderOptions<T, string?> MustHaveNoControlCharacters<T>(this IRuleBuilder<T, string?> rule, string field) =>
        rule.Must(value => !HasControlCharacter(value)).WithMessage($"{field} must not contain control characters");

    public static bool HasControlCharacter(string? value) =>
        value is not null && (value.AsSpan().ContainsAnyInRange('\u0000', '\u001f') || value.AsSpan().ContainsAnyInRange('\u007f', '\u009f'));
}
