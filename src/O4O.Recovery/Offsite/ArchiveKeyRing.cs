using System.Text.Json;
using System.Text.Json.Serialization;

namespace O4O.Recovery.Offsite;

/// <summary>
/// The archive keys, in the one file format for the home's key ring (<see cref="ArchiveKeyStore"/>), for what
/// <c>o4o backup key export</c> prints and for what <c>--key-file</c> reads: the current key seals new archives, every
/// key opens the archives sealed with it; with them, pgBackRest's passphrase for the off-site repository.
/// </summary>
public sealed class ArchiveKeyRing
{
    /// <summary>The value of the file's <c>format</c> field.</summary>
    public const string Format = "o4o-archive-keys 1";

    private ArchiveKeyRing(IReadOnlyList<ArchiveKey> keys, ArchiveKey current, string? repositoryPassphrase, string source)
    {
        Keys = keys;
        Current = current;
        RepositoryPassphrase = repositoryPassphrase;
        Source = source;
    }

    /// <summary>Every key, oldest first.</summary>
    public IReadOnlyList<ArchiveKey> Keys { get; }

    /// <summary>The key new archives are sealed with.</summary>
    public ArchiveKey Current { get; }

    /// <summary>
    /// pgBackRest's cipher passphrase for the off-site repository (<c>repo2-cipher-pass</c>), kept here so that the one
    /// key file opens every off-site copy. Never rotated: pgBackRest cannot change a repository's passphrase.
    /// </summary>
    public string? RepositoryPassphrase { get; }

    /// <summary>Where the ring was read from, for messages.</summary>
    public string Source { get; }

    /// <summary>The key of id <paramref name="id"/>, or null.</summary>
    public ArchiveKey? Find(string id) => Keys.FirstOrDefault(key => key.Id == id);

    /// <summary>A ring of <paramref name="keys"/> whose current key is the last.</summary>
    public static ArchiveKeyRing Of(IReadOnlyList<ArchiveKey> keys, string source, string? repositoryPassphrase = null) =>
        new(keys, keys[^1], repositoryPassphrase, source);

    /// <summary>A new random passphrase for pgBackRest's repository cipher: 48 bytes in base64.</summary>
    public static string NewRepositoryPassphrase() => Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48));

    /// <summary>Reads a key file, as <c>--key-file</c> names it.</summary>
    /// <exception cref="ArchiveKeyFileException">The file cannot be read, is not a key file, or a key in it is malformed.</exception>
    public static ArchiveKeyRing Read(string path)
    {
        byte[] content;
        try
        {
            content = File.ReadAllBytes(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new ArchiveKeyFileException(path, $"cannot be read: {exception.Message}");
        }

        return Parse(content, path);
    }

    /// <summary>The ring in <paramref name="content"/>, a key file's bytes; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="ArchiveKeyFileException">Not a key file, or a key in it is malformed.</exception>
    public static ArchiveKeyRing Parse(ReadOnlySpan<byte> content, string source)
    {
        KeyFile? file;
        try
        {
            file = JsonSerializer.Deserialize(content, ArchiveKeyJson.Default.KeyFile);
        }
        catch (JsonException exception)
        {
            throw new ArchiveKeyFileException(source, $"is not an archive key file ({exception.Message})");
        }

        if (file?.Format != Format || file.Keys is not { Count: > 0 } entries)
        {
            throw new ArchiveKeyFileException(source, $"is not an archive key file (its format is not \"{Format}\" or it lists no keys)");
        }

        var keys = entries.Select(entry => ToKey(entry, source)).ToList();
        if (keys.GroupBy(key => key.Id).FirstOrDefault(group => group.Count() > 1) is { } duplicate)
        {
            throw new ArchiveKeyFileException(source, $"lists key {duplicate.Key} twice");
        }

        var current = keys.FirstOrDefault(key => key.Id == file.Current)
            ?? throw new ArchiveKeyFileException(source, $"names {file.Current ?? "no key"} as current, which it does not list");
        if (file.RepositoryPassphrase is { } passphrase && string.IsNullOrWhiteSpace(passphrase))
        {
            throw new ArchiveKeyFileException(source, "has an empty repositoryPassphrase");
        }

        return new ArchiveKeyRing(keys, current, file.RepositoryPassphrase, source);
    }

    /// <summary>The ring as a key file: what the home keeps, what export prints, what <c>--key-file</c> reads.</summary>
    public byte[] ToFile() => JsonSerializer.SerializeToUtf8Bytes(
        new KeyFile(Format, Current.Id, [.. Keys.Select(key => new KeyEntry(key.Id, key.Created, Convert.ToBase64String(key.Material)))], RepositoryPassphrase),
        ArchiveKeyJson.Default.KeyFile);

    /// <summary>This ring with <paramref name="key"/> added as the current key, and a repository passphrase made if it had none.</summary>
    public ArchiveKeyRing With(ArchiveKey key) => new([.. Keys, key], key, RepositoryPassphrase ?? NewRepositoryPassphrase(), Source);

    private static ArchiveKey ToKey(KeyEntry? entry, string source)
    {
        if (entry?.Id is not { } id || !ArchiveKey.IsValidId(id))
        {
            throw new ArchiveKeyFileException(source, $"has a key without a valid id ('{entry?.Id}': 1 to {ArchiveKey.MaxIdLength} letters, digits or '-')");
        }

        Span<byte> material = stackalloc byte[ArchiveKey.Length + 3];
        if (entry.Key is not { } encoded || !Convert.TryFromBase64String(encoded, material, out var length) || length != ArchiveKey.Length)
        {
            throw new ArchiveKeyFileException(source, $"has key {id} that is not {ArchiveKey.Length} bytes (256 bits) of base64");
        }

        return new ArchiveKey(id, material[..length], entry.Created ?? DateTimeOffset.UnixEpoch);
    }

    internal sealed record KeyFile(string? Format, string? Current, List<KeyEntry?>? Keys, string? RepositoryPassphrase);

    internal sealed record KeyEntry(string? Id, DateTimeOffset? Created, string? Key);
}

/// <summary>The key file's JSON contract, generated at build time.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ArchiveKeyRing.KeyFile))]
internal sealed partial class ArchiveKeyJson : JsonSerializerContext;

/// <summary>A key file (the home's key ring or one given with <c>--key-file</c>) cannot be used; the message says why.</summary>
public sealed class ArchiveKeyFileException(string path, string reason) : Exception($"Key file {path} {reason}.")
{
    /// <summary>The key file.</summary>
    public string Path { get; } = path;
}
