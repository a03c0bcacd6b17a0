using System.Globalization;
using Ratus.Application.Common;
using Ratus.Domain.Errors;

namespace Ratus.Api.Binding;

public static class PageQuery
{
    // An empty value counts as 0, as in the original; anything else must be an integer.
    public static Page Parse(string? limit, string? offset) =>
        new(ParseOne(limit), ParseOne(offset));

    private static long ParseOne(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return 0;
        }

        return long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new BadRequestException("invalid pagination parameters");
    }
}
