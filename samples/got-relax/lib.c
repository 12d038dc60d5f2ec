/* got-relax/lib.c — definitions main.c reaches through GOT-indirect code.
 * Compiled -fpic too: even its own global `factor` is loaded via the GOT (it could be
 * interposed in a shared library), which the linker relaxes in a static link as well. */

int answer = 42;
int factor = 2;

int scale(int v)
{
	return v * factor; /* movq factor@GOTPCREL(%rip) → relaxed to mov $factor */
}
