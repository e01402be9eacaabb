namespace HeartRule.Hosting.ApplicationModel;

internal static class ResourceNames
{
    // Names end up in environment variable names (services__name__http__0) and DNS names later on.
    public static void Validate(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!char.IsAsciiLetterLower(name[0]) || name.Any(c => !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')))
        {
            throw new ArgumentException($"Resource name '{name}' must start with a lowercase letter and hold only lowercase letters, digits and '-'.", nameof(name));
        }
    }
}
