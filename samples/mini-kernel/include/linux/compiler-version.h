/* The sample's stand-in for the compiler version header kbuild force-includes. */
#define OVERLAY_LENS_SAMPLE_COMPILER 1
