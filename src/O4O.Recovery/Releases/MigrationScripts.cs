using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text;

namespace O4O.Recovery.Releases;

/// <summary>
/// The DbUp scripts embedded in a platform assembly (<c>Data/Migrations/*.sql</c>), read from its metadata without
/// loading it: the same names DbUp runs them under, so a release's migrations are exactly what it would apply.
/// </summary>
public static class MigrationScripts
{
    /// <summary>
    /// The first line that marks a script backward-compatible (an expand step: the code of earlier releases still runs
    /// on the schema it leaves), so rolling back past it is allowed.
    /// </summary>
    public const string BackwardCompatibleMarker = "-- o4o: backward-compatible";

    private const string Folder = ".Data.Migrations.";

    /// <summary>The scripts in <paramref name="assembly"/>, by name; empty when the file is missing.</summary>
    /// <exception cref="BadImageFormatException">The file is not a .NET assembly.</exception>
    public static IReadOnlyList<ReleaseMigration> Read(string assembly)
    {
        if (!File.Exists(assembly))
        {
            return [];
        }

        using var pe = new PEReader(File.OpenRead(assembly));
        var metadata = pe.GetMetadataReader();
        var resources = pe.PEHeaders.CorHeader?.ResourcesDirectory.RelativeVirtualAddress ?? 0;
        var scripts = new List<ReleaseMigration>();
        foreach (var handle in metadata.ManifestResources)
        {
            var resource = metadata.GetManifestResource(handle);
            var name = metadata.GetString(resource.Name);
            // Only resources stored in the file itself (Implementation nil) have bytes at an offset of its resources.
            if (!resource.Implementation.IsNil || !name.Contains(Folder, StringComparison.Ordinal) || !name.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            var block = pe.GetSectionData(resources);
            var reader = block.GetReader((int)resource.Offset, block.Length - (int)resource.Offset);
            var bytes = reader.ReadBytes(reader.ReadInt32());
            scripts.Add(new ReleaseMigration(name, FirstLine(bytes).Trim().Equals(BackwardCompatibleMarker, StringComparison.OrdinalIgnoreCase)));
        }

        return [.. scripts.OrderBy(script => script.Name, StringComparer.Ordinal)];
    }

    /// <summary>The script's file name (<c>0009_demo_prices_in_won.sql</c>) for people.</summary>
    public static string ShortName(string name) => name[(name.LastIndexOf(Folder, StringComparison.Ordinal) + Folder.Length)..];

    private static string FirstLine(byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF');
        var end = text.IndexOf('\n', StringComparison.Ordinal);
        return end < 0 ? text : text[..end];
    }
}
