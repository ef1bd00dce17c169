namespace Airlock.Hosting;

/// <summary>
/// Start-up reads the catalog, the policy and the configuration, and leaves most of what it allocated as garbage the
/// GC would otherwise keep committed until load makes it collect: one compacting collection once started returns it.
/// </summary>
internal static class StartupMemory
{
    public static void GiveBack() => GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
}
