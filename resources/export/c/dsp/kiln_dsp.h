/* Kiln DSP: status codes shared by every DSP block of the exported library. */
#ifndef KILN_DSP_H
#define KILN_DSP_H

#include <stddef.h>
#include <stdint.h>

#define KILN_DSP_OK 0
/* an input value the block cannot take (a pixel outside 0...0xFFFFFF, ...) */
#define KILN_DSP_ERR_INPUT (-1)
/* a configuration the block cannot run (generated tables do not fit the sizes) */
#define KILN_DSP_ERR_CONFIG (-2)

#endif
