using System.Security.Cryptography;
using O4O.Recovery.Offsite;

namespace O4O.Recovery.Tests.Offsite;

/// <summary>Plain and sealed archives as real files in a temporary directory, sealed in small chunks so that a few hundred bytes span several.</summary>
internal sealed class SealedFiles : IDisposable
{
    public const int ChunkSize = 64;
    public const int Record = ChunkSize + 16;
    private readonly string _root = Directory.CreateTempSubdirectory("o4o-sealed-").FullName;
    private int _files;

    public ArchiveKey Key { get; } = ArchiveKey.Generate(DateTimeOffset.UtcNow);

    public ArchiveKeyRing Ring => ArchiveKeyRing.Of([Key], "test ring");

    public string NewPath() => Path.Combine(_root, $"file-{++_files}");

    public static byte[] RandomBytes(int length) => RandomNumberGenerator.GetBytes(length);

    /// <summary>Seals <paramref name="plain"/> from a file into a file; returns the sealed file's bytes.</summary>
    public async Task<byte[]> SealAsync(byte[] plain, ArchiveKey? key = null, int chunkSize = ChunkSize)
    {
        var source = NewPath();
        await File.WriteAllBytesAsync(source, plain);
        var sealedPath = NewPath();
        await using (var input = File.OpenRead(source))
        await using (var output = File.Create(sealedPath))
        {
            await ArchiveCipher.EncryptAsync(input, output, key ?? Key, chunkSize, CancellationToken.None);
        }

        return await File.ReadAllBytesAsync(sealedPath);
    }

    /// <summary>Opens <paramref name="sealedBytes"/> from a file into a file; returns what was written, also when it threw.</summary>
    public async Task<(byte[] Written, SealedArchiveException? Failure)> OpenAsync(byte[] sealedBytes, ArchiveKeyRing? ring = null)
    {
        var source = NewPath();
        await File.WriteAllBytesAsync(source, sealedBytes);
        var plainPath = NewPath();
        SealedArchiveException? failure = null;
        await using (var input = File.OpenRead(source))
        await using (var output = File.Create(plainPath))
        {
            try
            {
                await ArchiveCipher.DecryptAsync(input, output, ring ?? Ring, CancellationToken.None);
            }
            catch (SealedArchiveException exception)
            {
                failure = exception;
            }
        }

        return (await File.ReadAllBytesAsync(plainPath), failure);
    }

    /// <summary>The length of the header of an archive sealed with <see cref="Key"/>.</summary>
    public int HeaderLength => 38 + Key.Id.Length;

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
