// Times a plain file copy, ArchiveCipher's encryption and its decryption of the same file, ROUNDS rounds in turn,
// and prints the medians, throughput and ratios. Usage: ArchiveCipherBench FILE ROUNDS [BACKUP_SECONDS]
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using O4O.Recovery.Offsite;

var input = args[0];
var rounds = int.Parse(args[1], CultureInfo.InvariantCulture);
double? backupSeconds = args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : null;
var work = Path.GetDirectoryName(Path.GetFullPath(input))!;
var (copied, sealedPath, opened) = (Path.Combine(work, "copied"), Path.Combine(work, "sealed"), Path.Combine(work, "opened"));
var ring = ArchiveKeyRing.Of([ArchiveKey.Generate(DateTimeOffset.UtcNow)], "bench");
var size = new FileInfo(input).Length;
const int Buffer = 1 << 20;

// To a file, or (to: null) to nowhere, as an upload's request body reads it.
async Task<double> TimeAsync(string from, string? to, Func<Stream, Stream, Task> copy)
{
    var watch = Stopwatch.StartNew();
    await using (var source = new FileStream(from, FileMode.Open, FileAccess.Read, FileShare.Read, Buffer))
    await using (var destination = to is null ? Stream.Null : new FileStream(to, FileMode.Create, FileAccess.Write, FileShare.None, Buffer))
    {
        await copy(source, destination);
    }

    return watch.Elapsed.TotalSeconds;
}

var (copy, encrypt, decrypt, read, readSealing) = (new List<double>(), new List<double>(), new List<double>(), new List<double>(), new List<double>());
for (var round = 0; round <= rounds; round++)
{
    // Round 0 warms up (JIT, page cache) and is not counted.
    var c = await TimeAsync(input, copied, (from, to) => from.CopyToAsync(to, Buffer));
    var e = await TimeAsync(input, sealedPath, (from, to) => ArchiveCipher.EncryptAsync(from, to, ring.Current, CancellationToken.None));
    var d = await TimeAsync(sealedPath, opened, (from, to) => ArchiveCipher.DecryptAsync(from, to, ring, CancellationToken.None));
    var r = await TimeAsync(input, null, (from, to) => from.CopyToAsync(to, Buffer));
    var rs = await TimeAsync(input, null, (from, to) => ArchiveCipher.EncryptAsync(from, to, ring.Current, CancellationToken.None));
    if (round > 0)
    {
        copy.Add(c);
        encrypt.Add(e);
        decrypt.Add(d);
        read.Add(r);
        readSealing.Add(rs);
    }
}

static byte[] Sha256(string path)
{
    using var file = File.OpenRead(path);
    return SHA256.HashData(file);
}

static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
var megabytes = size / 1e6;
var (copyS, encryptS, decryptS, readS, readSealingS) = (Median(copy), Median(encrypt), Median(decrypt), Median(read), Median(readSealing));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"file: {megabytes:F1} MB, {rounds} rounds, medians; sealed {new FileInfo(sealedPath).Length - size} bytes larger"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"plain copy : {copyS:F3} s  {megabytes / copyS:F0} MB/s"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"encrypt    : {encryptS:F3} s  {megabytes / encryptS:F0} MB/s  ratio to copy {encryptS / copyS:F2}x"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"decrypt    : {decryptS:F3} s  {megabytes / decryptS:F0} MB/s  ratio to copy {decryptS / copyS:F2}x"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"read only  : {readS:F3} s  {megabytes / readS:F0} MB/s  (as an upload reads the file)"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"read+seal  : {readSealingS:F3} s  {megabytes / readSealingS:F0} MB/s  ratio to read only {readSealingS / readS:F2}x  (as an upload would seal it)"));
Console.WriteLine(Sha256(opened).SequenceEqual(Sha256(input)) ? "round trip: identical" : "round trip: DIFFERENT");
if (backupSeconds is { } backup)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"against a {backup:F2} s backup of this file, encryption adds {encryptS / backup:P1} as a pass of its own to a sealed file, {(readSealingS - readS) / backup:P1} sealed on the way to the upload"));
}
