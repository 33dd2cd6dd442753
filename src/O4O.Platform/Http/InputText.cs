namespace O4O.Platform.Http;

/// <summary>
/// Text PostgreSQL can store: a NUL byte is refused by the server with an error, and other control characters
/// have no place in names, keys or searches (they forge log lines and break pages).
/// </summary>
public static class InputText
{
    public static bool IsClean(string? text, bool multiline = false) =>
        text is null || !text.Any(c => char.IsControl(c) && !(multiline && c is '\n' or '\r' or '\t'));
}
