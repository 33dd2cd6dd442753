namespace O4O.Platform.Http;

/// <summary>Collects validation errors by field name, in the shape <c>TypedResults.ValidationProblem</c> takes.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = [];

    public bool IsEmpty => _errors.Count == 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages))
        {
            _errors[field] = messages = [];
        }

        messages.Add(message);
    }

    /// <summary>Adds <paramref name="message"/> for <paramref name="field"/> when <paramref name="failed"/> is true.</summary>
    public void When(bool failed, string field, string message)
    {
        if (failed)
        {
            Add(field, message);
        }
    }

    public Dictionary<string, string[]> ToDictionary() => _errors.ToDictionary(pair => pair.Key, pair => pair.Value.ToArray());
}
