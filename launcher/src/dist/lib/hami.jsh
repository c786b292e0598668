// hami-run jshell's startup: the hami-ffm library and the live region (docs/tutorial-jshell.md)
import io.hami.api.*;
import io.hami.region.RegionSnapshot;
HamiRegion region = Hami.openIfPresent().orElse(null);
System.out.println(region != null
        ? "hami-ffm: 'region' is " + region.path() + " (" + region.tenants().size() + " tenants): try region.tenants()"
        : "hami-ffm: no region at " + Hami.defaultRegionPath() + " yet; for experiments: "
                + "region = Hami.openOrCreate(Path.of(\"/tmp/scratch.region\"))");
