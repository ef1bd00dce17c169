using System.Security.Cryptography;

namespace Airlock.Storage;

/// <summary>A file of random key bytes, created on first use readable by its owner only, and read as it is after.</summary>
internal static class KeyFile
{
    public static byte[] ReadOrCreate(string path, int size)
    {
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            try
            {
                using var file = new FileStream(path, create);
                file.Write(RandomNumberGenerator.GetBytes(size));
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another node or process made it first: use theirs.
            }
        }

        return File.ReadAllBytes(path);
    }
}
